using System.CommandLine;
using Slipway.Server;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>down [--force]</c>: every instance and the router of a data directory stopped. It refuses while a server runs
/// on that directory: the server's supervisor and reconciler would start again at once what <c>down</c> stops, so
/// the only honest outcome is to stop the server first. <c>--force</c> stops them anyway (for a server that is about
/// to stop, or stuck). A directory that holds no Slipway data is left as it is: nothing to stop, nothing created.
/// While it stops them it holds the data directory's lock, so a server started meanwhile refuses to start.
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

            DataPlaneStop stopped;
            if (ServerLock.Holder(data) is { } holder)
            {
                if (!result.GetValue(force))
                {
                    throw Refusal(data, holder);
                }

                await Console.Error.WriteLineAsync(holder.IsDown
                    ? $"warning: another `slipway down` ({holder}) is stopping {data} too"
                    : $"warning: the Slipway server ({holder}) running on {data} will start its instances and the router again");
                stopped = await DataPlane.StopAllAsync(data, ct);
            }
            else
            {
                try
                {
                    // Holds the data directory's lock until everything has stopped: no server can start meanwhile.
                    stopped = await DataPlane.DownAsync(data, ct);
                }
                catch (ServerRunningException e)
                {
                    throw Refusal(data, e.Holder); // a server started between the check and the lock
                }
            }

            Console.WriteLine(Describe(stopped));
            return 0;
        });
        return globals.Uses(command, globals.Data);
    }

    private static CliException Refusal(string data, RunningServer holder) => holder.IsDown
        ? new CliException($"`slipway down` ({holder}) is already stopping every instance and the router of {data}; --force stops them anyway", 1)
        : new CliException(
            $"a Slipway server ({holder}) is running on {data}: it would start again every instance `down` stops. "
            + "Stop the server first (Ctrl-C where it runs"
            + (holder.Pid is { } pid ? $", or kill {pid}" : "")
            + "), then run `slipway down`; --force stops them anyway",
            1);

    private static string Describe(DataPlaneStop stopped) => (stopped.Instances, stopped.Router) switch
    {
        (0, false) => "nothing was running: no instance, no router",
        (var n, false) => $"stopped {Instances(n)}; the router was not running",
        (0, true) => "stopped the router; no instance was running",
        (var n, true) => $"stopped {Instances(n)} and the router",
    };

    private static string Instances(int n) => n == 1 ? "1 instance" : $"{n} instances";
}
