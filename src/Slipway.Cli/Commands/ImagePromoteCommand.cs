using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Supply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>image promote REF --to REGISTRY/NAME[:TAG] [--env ENV] [--tag T …]</c>: copies the image by digest — the same
/// digest in the destination, only missing blobs sent — after <c>--env</c>'s image policy allowed it, and records who
/// and when. <c>image promotions [REF]</c> lists the records.
/// </summary>
internal static class ImagePromoteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var image = ImageSbomCommand.ImageArgument();
        var to = new Option<string>("--to")
        {
            Description = "Where to: REGISTRY/NAME, or REGISTRY/NAME:TAG (without a tag, the source's tag is set there)",
            Required = true,
        };
        var tags = new Option<string[]>("--tag")
        {
            Description = "Another tag to set in the destination once the image is there (repeatable); a tag that moves says from what",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var output = CommandParts.OutputOption();
        var command = new Command("promote", "Copy an image by digest to another repository or registry (never rebuilt, only missing blobs sent); with --env, only if that environment's image policy allows it")
        {
            image, to, tags, output,
        };
        CliAction.Set(command, async (result, ct) =>
        {
            var environment = result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;
            using var client = globals.Client(result);
            var request = new PromoteRequest(result.GetValue(image), result.GetValue(to), environment, result.GetValue(tags) ?? [], CommandParts.Actor());
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/images/promote", request, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new PromotionOutput(response.Document, response.Read<PromotionView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }

    public static Command Promotions(GlobalOptions globals)
    {
        var image = new Argument<string?>("image")
        {
            Description = "Only the promotions of this image: REGISTRY/NAME:TAG (what it names now), REGISTRY/NAME@sha256:… or sha256:…",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var output = CommandParts.OutputOption();
        var command = new Command("promotions", "List the promotions recorded (newest first): source, destination and digest, environment, who, when") { image, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = result.GetValue(image) is { } reference ? $"/api/v1/images/promotions?image={Uri.EscapeDataString(reference)}" : "/api/v1/images/promotions";
            var response = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), PromotionsOutput.Create(response.Document, response.Read<List<PromotionView>>(), TimeProvider.System.GetUtcNow()), Console.Out, Console.Error);
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }
}
