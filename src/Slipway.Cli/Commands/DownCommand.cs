using System.CommandLine;
using Slipway.Server;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>down [--force]</c>: every instance and the router of a data directory stopped. It refuses while a server runs
/// on that directory: the server's supervisor and reconciler would start again at once what <c>down</c> stops, so
/// the only honest outcome is to stop the server first. <c>--force</c> stops them anyway (for a server that is about
/// to stop, or stuck). A directory that holds no Slipway data is left as it is: nothing to stop, nothing created.
/// </summary>
internal static class DownCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var force = new Option<bool>("--force") { Description = "Stop them even while a server runs on the data directory (it will start them again)" };
        var command = new Command("down", "Stop every instance and the router of a data directory (stop the server first)") { force };
        CliAction.Set(command, async (result, ct) =>
        {
            var data = globals.DataDirectory(result);
            if (!DataPlane.HoldsData(data))
            {
                Console.WriteLine($"nothing to stop: {data} holds no Slipway data");
                return 0;
            }

            if (ServerLock.Holder(data) is { } server)
            {
                if (!result.GetValue(force))
                {
                    throw new CliException(
                        $"a Slipway server ({server}) is running on {data}: it would start again every instance `down` stops. "
                        + "Stop the server first (Ctrl-C where it runs"
                        + (server.Pid is { } pid ? $", or kill {pid}" : "")
                        + "), then run `slipway down`; --force stops them anyway",
                        1);
                }

                await Console.Error.WriteLineAsync($"warning: the Slipway server ({server}) running on {data} will start its instances and the router again");
            }

            var stopped = await DataPlane.StopAllAsync(data, ct);
            Console.WriteLine(Describe(stopped));
            return 0;
        });
        return globals.Uses(command, globals.Data);
    }

    private static string Describe(DataPlaneStop stopped) => (stopped.Instances, stopped.Router) switch
    {
        (0, false) => "nothing was running: no instance, no router",
        (var n, false) => $"stopped {Instances(n)}; the router was not running",
        (0, true) => "stopped the router; no instance was running",
        (var n, true) => $"stopped {Instances(n)} and the router",
    };

    private static string Instances(int n) => n == 1 ? "1 instance" : $"{n} instances";
}
