using System.Globalization;
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
    private static readonly TimeSpan RouterGracePeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Stops every instance and the router, and returns once they have exited (their ports are
    /// free). Cancelling <paramref name="hurry"/> does not abandon the stop: it cuts the grace
    /// periods short (SIGKILL at once), so a second Ctrl-C still leaves nothing running.
    /// </summary>
    public static async Task StopAllAsync(string dataDirectory, CancellationToken hurry)
    {
        var options = new ServerOptions(dataDirectory);
        var time = TimeProvider.System;
        await using (var supervisor = new LocalSupervisor(dataDirectory, time, NullLoggerFactory.Instance))
        {
            var instances = await supervisor.AdoptAllAsync(CancellationToken.None);
            await Task.WhenAll(instances.Select(i => StopInstanceAsync(supervisor, i, hurry)));
        }

        var pidFile = Path.Combine(options.RouterDirectory, "router.pid");
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile, CancellationToken.None), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            await StopGroupAsync(pid, time, hurry);
            File.Delete(pidFile);
        }
    }

    private static async Task StopInstanceAsync(LocalSupervisor supervisor, Instance instance, CancellationToken hurry)
    {
        try
        {
            await supervisor.StopAsync(instance, hurry);
        }
        catch (OperationCanceledException) when (hurry.IsCancellationRequested)
        {
            // stopped all the same, by SIGKILL instead of waiting out its grace period
        }
    }

    private static async Task StopGroupAsync(int pid, TimeProvider time, CancellationToken hurry)
    {
        if (ProcStat.Read(pid) is not { IsAlive: true } stat || stat.ProcessGroupId != pid)
        {
            return; // gone, or the pid now belongs to something else
        }

        PosixSignals.SignalGroup(pid, PosixSignals.SigTerm);
        await WaitForExitAsync(pid, time, RouterGracePeriod, hurry);
        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
        // SIGKILL cannot be ignored; waiting for it means the router's port is free on return.
        await WaitForExitAsync(pid, time, KillWait, CancellationToken.None);
    }

    private static async Task WaitForExitAsync(int pid, TimeProvider time, TimeSpan timeout, CancellationToken ct)
    {
        var until = time.GetUtcNow() + timeout;
        while (ProcStat.Read(pid) is { IsAlive: true } && time.GetUtcNow() < until && !ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(PollInterval, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
