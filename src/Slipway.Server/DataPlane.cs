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
    /// <returns>What was stopped; nothing, and nothing created, when the directory holds no Slipway data (see <see cref="HoldsData"/>).</returns>
    public static async Task<DataPlaneStop> StopAllAsync(string dataDirectory, CancellationToken hurry)
    {
        if (!HoldsData(dataDirectory))
        {
            return new DataPlaneStop(0, Router: false);
        }

        var options = new ServerOptions(dataDirectory);
        var time = TimeProvider.System;
        int instanceCount;
        await using (var supervisor = new LocalSupervisor(dataDirectory, time, NullLoggerFactory.Instance))
        {
            var instances = await supervisor.AdoptAllAsync(CancellationToken.None);
            instanceCount = instances.Count;
            await Task.WhenAll(instances.Select(i => StopInstanceAsync(supervisor, i, hurry)));
        }

        var router = false;
        var pidFile = Path.Combine(options.RouterDirectory, "router.pid");
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile, CancellationToken.None), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            router = await StopGroupAsync(pid, time, hurry);
            File.Delete(pidFile);
        }

        return new DataPlaneStop(instanceCount, router);
    }

    /// <summary>
    /// Whether <paramref name="dataDirectory"/> is a Slipway data directory: it has a store, instance records or a
    /// router directory, which a server creates on its first start. An empty, unrelated or missing directory is not.
    /// </summary>
    public static bool HoldsData(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var options = new ServerOptions(dataDirectory);
        return File.Exists(options.StorePath)
            || Directory.Exists(Path.Combine(dataDirectory, "instances"))
            || Directory.Exists(options.RouterDirectory);
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

    /// <returns>True when the router was running (and is now stopped).</returns>
    private static async Task<bool> StopGroupAsync(int pid, TimeProvider time, CancellationToken hurry)
    {
        if (ProcStat.Read(pid) is not { IsAlive: true } stat || stat.ProcessGroupId != pid)
        {
            return false; // gone, or the pid now belongs to something else
        }

        PosixSignals.SignalGroup(pid, PosixSignals.SigTerm);
        await WaitForExitAsync(pid, time, RouterGracePeriod, hurry);
        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
        // SIGKILL cannot be ignored; waiting for it means the router's port is free on return.
        await WaitForExitAsync(pid, time, KillWait, CancellationToken.None);
        return true;
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

/// <summary>What <see cref="DataPlane.StopAllAsync"/> stopped: how many instances, and whether the router was running.</summary>
public sealed record DataPlaneStop(int Instances, bool Router);
