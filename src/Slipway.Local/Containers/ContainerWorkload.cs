using Slipway.Docker;
using Slipway.Docker.Engine;
using Slipway.Local.Workloads;

namespace Slipway.Local.Containers;

/// <summary>
/// One incarnation of an instance as a container: waited on and signalled through the Docker Engine, its output
/// appended to the instance's log by a pump that follows the engine's log stream for as long as the container runs.
/// </summary>
internal sealed class ContainerWorkload : IWorkload
{
    private readonly DockerEngine _engine;
    private readonly CancellationTokenSource _pumpStop = new();
    private Task _pump = Task.CompletedTask;

    public ContainerWorkload(DockerEngine engine, string containerId, int pid, DateTimeOffset startedAt)
    {
        _engine = engine;
        ContainerId = containerId;
        Pid = pid;
        StartedAt = startedAt;
    }

    public int Pid { get; }

    public ulong StartTime => 0;

    public DateTimeOffset StartedAt { get; }

    public string ContainerId { get; }

    /// <summary>Begins appending the container's output to <paramref name="logPath"/>, from <paramref name="since"/> (all of it when null).</summary>
    public void PumpLogs(string logPath, DateTimeOffset? since)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await _engine.Containers.AppendLogsAsync(ContainerId, logPath, new Docker.Containers.ContainerLogOptions(Follow: true, Since: since), timestamps: false, _pumpStop.Token)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is DockerEngineException or DockerEngineUnavailableException or IOException or HttpRequestException)
            {
                // The engine went away or the container with it: the exit path says so; the log keeps what came.
            }
        });
    }

    /// <summary>Stops the pump, giving it <paramref name="drain"/> to write what the engine still holds of a container that has exited.</summary>
    public async Task StopPumpAsync(TimeSpan drain)
    {
        _pumpStop.CancelAfter(drain);
        await _pump.ConfigureAwait(false);
    }

    public async Task<string> WaitForExitAsync(TimeProvider time, TimeSpan pollInterval, CancellationToken ct)
    {
        try
        {
            var exit = await _engine.Containers.WaitAsync(ContainerId, ct).ConfigureAwait(false);
            var state = await _engine.Containers.InspectAsync(ContainerId, ct).ConfigureAwait(false);
            return state is { OomKilled: true } ? $"killed for memory (OOM), exit code {exit.ExitCode}"
                : exit.Error is { } error ? $"exit code {exit.ExitCode}: {error}"
                : Processes.ProcessHandle.DescribeExitCode(exit.ExitCode);
        }
        catch (DockerEngineException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return "the container is gone (removed outside Slipway)";
        }
        catch (DockerEngineUnavailableException e)
        {
            return $"the Docker Engine is unreachable ({e.Endpoint})";
        }
    }

    public async Task SignalAsync(int signal, CancellationToken ct)
    {
        try
        {
            await _engine.Containers.KillAsync(ContainerId, signal == Processes.PosixSignals.SigKill ? "SIGKILL" : signal == Processes.PosixSignals.SigTerm ? "SIGTERM" : signal.ToString(System.Globalization.CultureInfo.InvariantCulture), ct)
                .ConfigureAwait(false);
        }
        catch (DockerEngineUnavailableException)
        {
            // Without the engine its containers do not run either.
        }
    }
}
