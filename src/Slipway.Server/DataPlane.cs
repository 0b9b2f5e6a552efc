using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Local;
using Slipway.Local.Processes;

namespace Slipway.Server;

/// <summary>
/// Stops everything a data directory runs: every instance (gracefully) and the router. The
/// server never does this by itself — the data plane outlives it by design — so this is what
/// <c>slipway down</c>, the demo and the tests call once the server is stopped.
/// </summary>
public static class DataPlane
{
    public static async Task StopAllAsync(string dataDirectory, CancellationToken ct)
    {
        var options = new ServerOptions(dataDirectory);
        await using (var supervisor = new LocalSupervisor(dataDirectory, TimeProvider.System, NullLoggerFactory.Instance))
        {
            var instances = await supervisor.AdoptAllAsync(ct);
            await Task.WhenAll(instances.Select(i => supervisor.StopAsync(i, ct)));
        }

        var pidFile = Path.Combine(options.RouterDirectory, "router.pid");
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile, ct), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            await StopGroupAsync(pid, TimeSpan.FromSeconds(10), ct);
            File.Delete(pidFile);
        }
    }

    private static async Task StopGroupAsync(int pid, TimeSpan grace, CancellationToken ct)
    {
        if (ProcStat.Read(pid) is not { IsAlive: true } stat || stat.ProcessGroupId != pid)
        {
            return; // gone, or the pid now belongs to something else
        }

        PosixSignals.SignalGroup(pid, PosixSignals.SigTerm);
        var until = DateTimeOffset.UtcNow + grace;
        while (ProcStat.Read(pid) is { IsAlive: true } && DateTimeOffset.UtcNow < until)
        {
            await Task.Delay(50, ct);
        }

        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
    }
}
