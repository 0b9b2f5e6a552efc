using System.CommandLine;
using System.Text;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>secret set|list|delete|rotate-key</c>: the secrets of an environment (<c>-e</c>, default dev). Values go to the
/// server and never come back: <c>list</c> shows names, keys and versions.
/// </summary>
internal static class SecretCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var secret = new Command("secret", "Set, list and delete the secrets of an environment; rotate the master key that encrypts them");
        secret.Subcommands.Add(Set(globals));
        secret.Subcommands.Add(List(globals));
        secret.Subcommands.Add(Delete(globals));
        secret.Subcommands.Add(RotateKey(globals));
        return secret;
    }

    private static Argument<string> NameArgument() => new("secret") { Description = "The secret's name (a DNS label: lowercase letters, digits and '-')" };

    private static Command Set(GlobalOptions globals)
    {
        var name = NameArgument();
        var pairs = new Argument<string[]>("KEY=VALUE") { Description = "Keys to set (a value typed here stays in the shell's history: prefer --stdin or --from-file)", Arity = ArgumentArity.ZeroOrMore };
        var fromFile = new Option<string[]>("--from-file")
        {
            Description = "KEY=PATH: the key's value is the file's content, as it is (repeatable)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var stdin = new Option<string?>("--stdin") { Description = "KEY: the key's value is read from standard input (one final line break dropped)", HelpName = "KEY" };
        var command = new Command("set", "Set keys of a secret (made when there is none); apps that use a changed key roll out a new revision") { name, pairs, fromFile, stdin };
        CliAction.Set(command, async (result, ct) =>
        {
            var (data, errors) = SecretData.Read(
                result.GetValue(pairs) ?? [],
                result.GetValue(fromFile) ?? [],
                result.GetValue(stdin),
                path => File.ReadAllText(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true)),
                () => Console.In.ReadToEnd());
            CommandParts.RefuseInvalid(errors);
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Put, Path(result, globals, name), new SecretSetRequest(data, null, CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command List(GlobalOptions globals)
    {
        var output = CommandParts.OutputOption();
        var all = new Option<bool>("--all-environments", "-A") { Description = "List the secrets of every environment, with an ENV column" };
        var command = new Command("list", "List the secrets of an environment: names, keys and versions, never values") { output, all };
        command.Validators.Add(result =>
        {
            if (result.GetValue(all) && result.GetResult(globals.Environment) is { Implicit: false })
            {
                result.AddError("--all-environments (-A) lists every environment; it does not go with --env (-e)");
            }
        });
        CliAction.Set(command, async (result, ct) =>
        {
            var environment = result.GetValue(all) ? null : result.GetValue(globals.Environment)!;
            using var client = globals.Client(result);
            var path = environment is null ? "/api/v1/secrets" : $"/api/v1/secrets?environment={Uri.EscapeDataString(environment)}";
            var response = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), SecretsOutput.Create(response.Document, response.Read<List<SecretView>>(), environment, TimeProvider.System.GetUtcNow()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Delete(GlobalOptions globals)
    {
        var name = NameArgument();
        var force = new Option<bool>("--force") { Description = "Delete it even though apps of the environment refer to it (their next instance start fails)" };
        var command = new Command("delete", "Delete a secret with all its versions; refused while an app of the environment refers to it") { name, force };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = Path(result, globals, name) + (result.GetValue(force) ? "?force=true" : "");
            var response = (await client.SendAsync(HttpMethod.Delete, path, new SecretActorRequest(CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command RotateKey(GlobalOptions globals)
    {
        var command = new Command("rotate-key", "Make a new master key, re-encrypt every secret under it, retire the old one (with a key file; see docs/secrets.md for SLIPWAY_MASTER_KEY)");
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/secrets/rotate-key", new SecretActorRequest(CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }

    private static string Path(ParseResult result, GlobalOptions globals, Argument<string> name) =>
        $"/api/v1/secrets/{Uri.EscapeDataString(result.GetValue(globals.Environment)!)}/{Uri.EscapeDataString(result.GetValue(name)!)}";
}
