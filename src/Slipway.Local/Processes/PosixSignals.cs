using System.Runtime.InteropServices;

namespace Slipway.Local.Processes;

/// <summary>
/// kill(2) for process groups. <see cref="System.Diagnostics.Process.Kill(bool)"/> walks the
/// process tree by parent links, which misses grandchildren re-parented to init; signalling the
/// group (negative pid) reaches every process the instance started, wherever it was re-parented.
/// </summary>
internal static partial class PosixSignals
{
    // Same numbers on every Linux architecture .NET runs on.
    public const int SigTerm = 15;
    public const int SigKill = 9;

    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Signals every process of the group; false when the group has no member left.</summary>
    public static bool SignalGroup(int processGroupId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processGroupId);
        return Send(-processGroupId, signal);
    }

    /// <summary>Signals one process; false when it does not exist.</summary>
    public static bool SignalProcess(int pid, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        return Send(pid, signal);
    }

    private static bool Send(int target, int signal)
    {
        if (Kill(target, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == NoSuchProcess
            ? false
            : throw new InvalidOperationException($"kill({target}, {signal}) failed with errno {errno}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
