using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Slipway.Local.Processes;

/// <summary>
/// Starts instance processes detached from the controller, so that they outlive it: setsid gives
/// them their own session and process group (no SIGHUP, no signal aimed at the controller's
/// group), and the shell wrapper points stdin at /dev/null and appends stdout and stderr to the
/// log file before exec'ing the command. No pipe joins them to the controller, so a dead
/// controller never breaks their writes. setsid does not fork when its caller is not a group
/// leader (a fresh child never is), and sh exec's, so the final pid is Process.Id and the pgid.
/// </summary>
internal sealed partial class ProcessLauncher(TimeProvider time, ILogger logger)
{
    // $0 is a label, $1 the log file, the rest the command. ">>" opens with O_APPEND, which makes
    // the rotator's copy-truncate safe: the next write lands at the new end of the file.
    private const string Wrapper = "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null";

    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(2);

    public async Task<ProcessHandle> StartAsync(
        string workingDirectory,
        string command,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment,
        string logPath,
        CancellationToken ct)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in (string[])["/bin/sh", "-c", Wrapper, "slipway-instance", logPath, command])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The controller's own environment may hold its secrets: instances get only what is given.
        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var startedAt = time.GetUtcNow();
        var child = Process.Start(info) ?? throw new InvalidOperationException("setsid did not start");
        var stat = await WaitForOwnSessionAsync(child.Id, ct).ConfigureAwait(false);
        return ProcessHandle.ForChild(child, stat?.StartTime ?? 0, startedAt);
    }

    /// <summary>
    /// Process.Start returns once setsid is exec'd, a moment before it calls setsid(2); until then
    /// the pgid is still the controller's. Waiting here keeps group signals from missing it.
    /// </summary>
    private async Task<ProcStat?> WaitForOwnSessionAsync(int pid, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + SessionWait;
        ProcStat? stat;
        while ((stat = ProcStat.Read(pid)) is { IsAlive: true } && stat.ProcessGroupId != pid && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), time, ct).ConfigureAwait(false);
        }

        if (stat is { IsAlive: true } && stat.ProcessGroupId != pid)
        {
            Log.NotGroupLeader(logger, pid, stat.ProcessGroupId);
        }

        return stat;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Process {Pid} is not its own process-group leader (pgid {ProcessGroupId}); stopping it may leave children behind")]
        public static partial void NotGroupLeader(ILogger logger, int pid, int processGroupId);
    }
}
