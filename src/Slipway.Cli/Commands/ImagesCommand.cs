using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Supply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>images [--uses PACKAGE[@VERSION]]</c>: the images Slipway recorded; with <c>--uses</c>, which apps, environments and
/// revisions carry a package — "which of our services use this openssl?" — from the SBOMs recorded, marking the
/// revisions that run now.
/// </summary>
internal static class ImagesCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var uses = new Option<string?>("--uses")
        {
            Description = "Which revisions carry this package: NAME, NAME@VERSION, or a purl (pkg:deb/debian/libssl3@3.0.11-1~deb12u2)",
            HelpName = "package[@version]",
        };
        var output = CommandParts.OutputOption();
        var command = new Command("images", "List the images recorded (by digest); with --uses, the apps, environments and revisions that carry a package") { uses, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var format = result.GetValue(output);
            if (result.GetValue(uses) is { } query)
            {
                var response = (await client.SendAsync(HttpMethod.Get, $"/api/v1/images?uses={Uri.EscapeDataString(query)}", null, ct)).EnsureOk();
                Printer.Print(format, ImagesOutput.Uses(response.Document, response.Read<List<PackageUseView>>(), query), Console.Out, Console.Error);
            }
            else
            {
                var response = (await client.SendAsync(HttpMethod.Get, "/api/v1/images", null, ct)).EnsureOk();
                Printer.Print(format, ImagesOutput.Images(response.Document, response.Read<List<ImageView>>(), TimeProvider.System.GetUtcNow()), Console.Out, Console.Error);
            }

            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }
}
