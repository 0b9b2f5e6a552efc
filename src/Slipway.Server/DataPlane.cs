using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Local;
using Slipway.Local.Processes;
using Slipway.Server.Routing;

namespace Slipway.Server;

/// <summary>
/// Stops everything a data directory runs: every instance (gracefully) and the router. The
/// server never does this by itself — the data plane outlives it by design — so this is what
/// <c>slipway down</c>, the demo and the tests call once the server is stopped. Nothing here supervises: an instance
/// that died while no server ran stays dead, and one that crashes while being stopped is not restarted.
/// </summary>
public static class DataPlane
{
    private static readonly TimeSpan RouterGracePeriod = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// <c>slipway down</c>: <see cref="StopAllAsync"/> while holding the data directory's lock (<see cref="ServerLock"/>),
    /// so that no server can start — and start again what is being stopped — until everything has stopped.
    /// </summary>
    /// <exception cref="ServerRunningException">A server, or another <c>down</c>, holds the lock; nothing was stopped.</exception>
    public static async Task<DataPlaneStop> DownAsync(string dataDirectory, CancellationToken hurry)
    {
        if (!HoldsData(dataDirectory))
        {
            return new DataPlaneStop(0, Router: false);
        }

        using var held = ServerLock.AcquireForDown(dataDirectory);
        return await StopAllAsync(dataDirectory, hurry).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops every instance and the router, and returns once they have exited (their ports are
    /// free). Cancelling <paramref name="hurry"/> does not abandon the stop: it cuts the grace
    /// periods short (SIGKILL at once), so a second Ctrl-C still leaves nothing running. Takes no lock: the demo calls it
    /// while its own server, in the same process, may still be stopping (see <see cref="DownAsync"/> for the CLI).
    /// </summary>
    /// <returns>What was stopped; nothing, and nothing created, when the directory holds no Slipway data (see <see cref="HoldsData"/>).</returns>
    public static async Task<DataPlaneStop> StopAllAsync(string dataDirectory, CancellationToken hurry)
    {
        if (!HoldsData(dataDirectory))
        {
            return new DataPlaneStop(0, Router: false);
        }

        var options = new ServerOptions(Path.GetFullPath(dataDirectory));
        var time = TimeProvider.System;
        using var docker = new Slipway.Docker.DockerEngine(options.DockerHost);
        var instanceCount = await InstanceShutdown.StopAllAsync(options.DataDirectory, time, NullLogger.Instance, hurry, docker).ConfigureAwait(false);

        // Found by the table it serves rather than by router.pid alone: the pid was never written when the server was
        // killed between starting the router and writing it, and a recorded pid may since belong to another process.
        var router = false;
        foreach (var pid in RouterLauncher.FindRouters(options))
        {
            router |= await StopRouterAsync(pid, time, hurry);
        }

        // The router's directory may be gone with the data directory's other contents (a test or a user removing it
        // while the data plane still ran): there is then no pid file left to remove.
        if (Directory.Exists(options.RouterDirectory))
        {
            File.Delete(Path.Combine(options.RouterDirectory, "router.pid"));
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

    /// <returns>True when the router was running (and is now stopped).</returns>
    private static async Task<bool> StopRouterAsync(int pid, TimeProvider time, CancellationToken hurry)
    {
        if (ProcStat.Read(pid) is not { IsAlive: true } stat || ProcessHandle.Adopt(pid, stat.StartTime, time.GetUtcNow()) is not { } router)
        {
            return false; // gone meanwhile
        }

        router.SignalGroup(PosixSignals.SigTerm);
        await WaitForExitAsync(router, time, RouterGracePeriod, hurry);
        router.SignalGroup(PosixSignals.SigKill);
        // SIGKILL cannot be ignored; waiting for it means the router's port is free on return.
        await WaitForExitAsync(router, time, KillWait, CancellationToken.None);
        return true;
    }

    private static async Task WaitForExitAsync(ProcessHandle process, TimeProvider time, TimeSpan timeout, CancellationToken ct)
    {
        var until = time.GetUtcNow() + timeout;
        while (process.IsAlive && time.GetUtcNow() < until && !ct.IsCancellationRequested)
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
