using System.CommandLine;
using System.Text;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>keys generate|import|list|export|delete</c>: the server's signing keys. A generated key's private half stays in
/// the server; <c>export</c> gives the public key (the <c>cosign.pub</c> to hand to whoever verifies), <c>import</c>
/// trusts someone else's public key for verification.
/// </summary>
internal static class KeysCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var keys = new Command("keys", "Generate, import, list, export and delete the keys that sign and verify images");
        keys.Subcommands.Add(Generate(globals));
        keys.Subcommands.Add(Import(globals));
        keys.Subcommands.Add(List(globals));
        keys.Subcommands.Add(Export(globals));
        keys.Subcommands.Add(Delete(globals));
        return keys;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The key's name (a DNS label, as image policies name keys: release-key)" };

    private static Command Generate(GlobalOptions globals)
    {
        var name = NameArgument();
        var write = new Option<string?>("--public-key-file") { Description = "Also write the public key (PEM, what cosign verify --key takes) to this file", HelpName = "FILE" };
        var command = new Command("generate", "Make an ECDSA P-256 key pair in the server (cosign's kind); the private key never leaves it") { name, write };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest(result.GetValue(name), null, CommandParts.Actor()), ct)).EnsureOk();
            var answer = response.Read<SigningKeyAnswer>();
            Console.WriteLine(answer.Message);
            if (result.GetValue(write) is { } file)
            {
                WritePublicKey(file, answer.Key.PublicKey);
                Console.WriteLine($"public key written to {file}");
            }
            else
            {
                Console.WriteLine($"public key: `slipway keys export {answer.Key.Name} > {answer.Key.Name}.pub`");
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Import(GlobalOptions globals)
    {
        var name = NameArgument();
        var file = new Option<string>("--public-key") { Description = "PEM PUBLIC KEY file of an ECDSA P-256 key (a cosign.pub)", HelpName = "FILE", Required = true };
        var command = new Command("import", "Trust a public key (a cosign.pub) to verify signatures under a name; it cannot sign") { name, file };
        CliAction.Set(command, async (result, ct) =>
        {
            string pem;
            try
            {
                pem = await File.ReadAllTextAsync(result.GetValue(file)!, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"--public-key {result.GetValue(file)}: cannot be read: {e.Message}", 2);
            }

            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/keys", new SigningKeyRequest(result.GetValue(name), pem, CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Read<SigningKeyAnswer>().Message);
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command List(GlobalOptions globals)
    {
        var output = CommandParts.OutputOption();
        var command = new Command("list", "List the keys: name, key id, whether it signs or only verifies, when and by whom it was made") { output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, "/api/v1/keys", null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), SigningKeysOutput.Create(response.Document, response.Read<List<SigningKeyView>>(), TimeProvider.System.GetUtcNow()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Export(GlobalOptions globals)
    {
        var name = NameArgument();
        var command = new Command("export", "Print a key's public key (PEM): what `cosign verify --key` and `openssl dgst -verify` take") { name };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, $"/api/v1/keys/{Uri.EscapeDataString(result.GetValue(name)!)}", null, ct)).EnsureOk();
            Console.Write(response.Read<SigningKeyView>().PublicKey);
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Delete(GlobalOptions globals)
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a key (a generated key's private half is gone for good; its signatures stay valid for its public key)") { name };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = $"/api/v1/keys/{Uri.EscapeDataString(result.GetValue(name)!)}";
            var response = (await client.SendAsync(HttpMethod.Delete, path, new SecretActorRequest(CommandParts.Actor()), ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static void WritePublicKey(string file, string pem)
    {
        try
        {
            File.WriteAllText(file, pem, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"--public-key-file {file}: cannot be written ({e.Message}); the key was made: `slipway keys export` prints its public key", 1);
        }
    }
}
