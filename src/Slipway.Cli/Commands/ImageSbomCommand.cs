using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Supply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>image sbom REF</c>: the image's SBOM — read back when one is attached to it, else made from its layers by the
/// server, attached beside it (<c>sha256-&lt;hex&gt;.sbom</c>) and recorded with its packages. <c>-o json</c> prints the
/// CycloneDX document itself.
/// </summary>
internal static class ImageSbomCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var image = ImageArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("sbom", "Show an image's SBOM (CycloneDX 1.5): made from its layers and attached to it in its registry the first time, read back after") { image, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/images/sbom", new ImageRequest(result.GetValue(image), Actor: CommandParts.Actor()), ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new SbomOutput(response.Read<SbomView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }

    /// <summary>The image a command works on: a tag or a digest, registry included.</summary>
    public static Argument<string> ImageArgument() =>
        new("image") { Description = "The image: REGISTRY/NAME:TAG or REGISTRY/NAME@sha256:…" };
}
