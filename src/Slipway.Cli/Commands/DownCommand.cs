using System.CommandLine;
using Slipway.Server;

namespace Slipway.Cli.Commands;

/// <summary><c>down</c>: every instance and the router of a data directory stopped.</summary>
internal static class DownCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("down", "Stop every instance and the router of a data directory (run after stopping the server)");
        CliAction.Set(command, async (result, ct) =>
        {
            await DataPlane.StopAllAsync(globals.DataDirectory(result), ct);
            Console.WriteLine("stopped every instance and the router");
            return 0;
        });
        return globals.Uses(command, globals.Data);
    }
}
