using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>image</c>: what Slipway does with one OCI image by digest. Each subcommand lives in its own file and is added here,
/// one line each: <c>sbom</c>, <c>scan</c>, <c>promote</c>, <c>promotions</c> and <c>exception</c> (the supply part);
/// <c>sign</c> and <c>verify</c> (the signing part) go beside them.
/// </summary>
internal static class ImageCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("image", "Work with one OCI image by digest: its SBOM, its vulnerabilities, promotion to another registry, exceptions to the vulnerability gate");
        command.Subcommands.Add(ImageSbomCommand.Create(globals));
        command.Subcommands.Add(ImageScanCommand.Create(globals));
        command.Subcommands.Add(ImagePromoteCommand.Create(globals));
        command.Subcommands.Add(ImagePromoteCommand.Promotions(globals));
        command.Subcommands.Add(ImageExceptionCommand.Create(globals));
        return command;
    }
}
