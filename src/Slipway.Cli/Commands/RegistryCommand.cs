using System.CommandLine;
using System.Text;
using Slipway.Cli.Output;
using Slipway.Server.Api;
using Slipway.Server.Images;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>registry login|logout|list</c>: the logins the server uses for registries, kept as secrets in its vault. A password
/// is read from standard input or a file, never from the command line (where the shell's history and <c>ps</c> would
/// show it), and never comes back: <c>list</c> shows registries and usernames.
/// </summary>
internal static class RegistryCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var registry = new Command("registry", "Store, list and remove the logins the server uses for registries");
        registry.Subcommands.Add(Login(globals));
        registry.Subcommands.Add(Logout(globals));
        registry.Subcommands.Add(List(globals));
        return registry;
    }

    private static Argument<string> HostArgument() => new("registry") { Description = "The registry as image references name it: host or host:port (e.g. registry.example.com, 127.0.0.1:5000)" };

    private static Command Login(GlobalOptions globals)
    {
        var host = HostArgument();
        var username = new Option<string>("--username", "-u") { Description = "The user to log in as", Required = true };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password (or token) from standard input; one final line break dropped" };
        var file = new Option<string?>("--password-file") { Description = "Read the password (or token) from this file; one final line break dropped", HelpName = "FILE" };
        var command = new Command("login", "Store the login the server uses for a registry (replacing one stored before); the password is encrypted in the server's vault")
        {
            host, username, stdin, file,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(stdin) == result.GetValue(file) is not null)
            {
                result.AddError("give the password with one of --password-stdin and --password-file (never on the command line)");
            }
        });
        CliAction.Set(command, async (result, ct) =>
        {
            var password = ReadPassword(result.GetValue(stdin), result.GetValue(file));
            using var client = globals.Client(result);
            var path = $"/api/v1/registries/{Uri.EscapeDataString(result.GetValue(host)!)}";
            var response = (await client.SendAsync(HttpMethod.Put, path, new RegistryLoginRequest(result.GetValue(username), password, CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Logout(GlobalOptions globals)
    {
        var host = HostArgument();
        var command = new Command("logout", "Remove the login the server uses for a registry: it asks that registry anonymously from then on") { host };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = $"/api/v1/registries/{Uri.EscapeDataString(result.GetValue(host)!)}";
            var response = (await client.SendAsync(HttpMethod.Delete, path, new SecretActorRequest(CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command List(GlobalOptions globals)
    {
        var output = CommandParts.OutputOption();
        var command = new Command("list", "List the registries the server has a login for: registry, username, when and by whom; never a password") { output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, "/api/v1/registries", null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), RegistriesOutput.Create(response.Document, response.Read<List<RegistryLogin>>(), TimeProvider.System.GetUtcNow()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }

    /// <summary>The password from standard input or the file, with one final line break dropped (what <c>echo</c> and editors add).</summary>
    internal static string ReadPassword(bool fromStdin, string? file)
    {
        string text;
        try
        {
            text = fromStdin ? Console.In.ReadToEnd() : File.ReadAllText(file!, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new CliException($"--password-file {file}: cannot be read: {e.Message}", 2);
        }

        text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        return text.Length > 0 ? text
            : throw new CliException(fromStdin ? "--password-stdin: standard input was empty: pipe the password in (e.g. `printenv REGISTRY_TOKEN | slipway registry login …`)" : $"--password-file {file}: the file is empty", 2);
    }
}
