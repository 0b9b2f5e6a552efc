using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>image sign|verify</c>: sign an image by digest with a server key, in cosign's format, and check an image's
/// signatures as an environment that requires them would. <c>verify</c> exits with 1 when the image is refused, so a
/// script can gate on it.
/// </summary>
internal static class ImageCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var image = new Command("image", "Work with one OCI image by digest: sign it and verify its signatures, its SBOM, its vulnerabilities, promotion to another registry, exceptions to the vulnerability gate");
        image.Subcommands.Add(Sign(globals));
        image.Subcommands.Add(Verify(globals));
        image.Subcommands.Add(ImageSbomCommand.Create(globals));
        image.Subcommands.Add(ImageScanCommand.Create(globals));
        image.Subcommands.Add(ImagePromoteCommand.Create(globals));
        image.Subcommands.Add(ImagePromoteCommand.Promotions(globals));
        image.Subcommands.Add(ImageExceptionCommand.Create(globals));
        return image;
    }

    private static Argument<string> ReferenceArgument() => new("image") { Description = "The image: registry/name:tag (resolved to its digest first) or registry/name@sha256:…" };

    private static Command Sign(GlobalOptions globals)
    {
        var reference = ReferenceArgument();
        var key = new Option<string>("--key") { Description = "The server key to sign with (`slipway keys list`)", Required = true, HelpName = "NAME" };
        var annotations = new Option<string[]>("--annotation", "-a")
        {
            Description = "KEY=VALUE signed with the image, in the payload's optional part (cosign's -a; repeatable)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("sign", "Sign an image by its digest (cosign's key-based format) and store the signature beside it in its registry") { reference, key, annotations };
        CliAction.Set(command, async (result, ct) =>
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            var errors = new List<string>();
            foreach (var pair in result.GetValue(annotations) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    errors.Add($"--annotation '{pair}': expected KEY=VALUE");
                }
                else if (!pairs.TryAdd(pair[..equals], pair[(equals + 1)..]))
                {
                    errors.Add($"--annotation {pair[..equals]} is given twice");
                }
            }

            CommandParts.RefuseInvalid(errors);
            using var client = globals.Client(result);
            var request = new ImageSignRequest(result.GetValue(reference), result.GetValue(key), pairs.Count == 0 ? null : pairs, CommandParts.Actor());
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/images/sign", request, ct)).EnsureOk();
            Console.WriteLine(response.Read<ImageSignAnswer>().Message);
            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Verify(GlobalOptions globals)
    {
        var reference = ReferenceArgument();
        var keys = new Option<string[]>("--key")
        {
            Description = "A key whose signature is accepted (repeatable; default: every key of the server)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            HelpName = "NAME",
        };
        var accept = new Option<string[]>("--accept-repository")
        {
            Description = "A repository (registry/name) a signature may name besides the image's own and those it was promoted from (repeatable)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            HelpName = "REPOSITORY",
        };
        var output = CommandParts.OutputOption();
        var command = new Command("verify", "Check that an image carries a valid signature by trusted keys; exits 1 when it is refused, saying why") { reference, keys, accept, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var request = new ImageVerifyRequest(result.GetValue(reference), result.GetValue(keys) ?? [], result.GetValue(accept) ?? []);
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/images/verify", request, ct)).EnsureOk();
            var answer = response.Read<ImageVerifyAnswer>();
            Printer.Print(result.GetValue(output), new VerificationOutput(response.Document, answer), Console.Out, Console.Error);
            return answer.Verified ? 0 : 1;
        });
        return globals.UsesApi(command);
    }
}
