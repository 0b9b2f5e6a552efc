using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Supply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>image scan REF [--env ENV]</c>: the image's known vulnerabilities (its SBOM against the server's advisory
/// database), and with <c>--env</c> the verdict of that environment's image policy — the one a promotion there gets now.
/// Exits 0 either way: the scan reports; <c>image promote --env</c> is what refuses.
/// </summary>
internal static class ImageScanCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var image = ImageSbomCommand.ImageArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("scan", "List an image's known vulnerabilities (package, version, advisory, severity, fixed in); with --env, that environment's verdict") { image, output };
        CliAction.Set(command, async (result, ct) =>
        {
            var environment = result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/images/scan", new ImageRequest(result.GetValue(image), environment, CommandParts.Actor()), ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new ScanOutput(response.Document, response.Read<ScanView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
