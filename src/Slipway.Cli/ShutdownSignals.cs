using System.Runtime.InteropServices;

namespace Slipway.Cli;

/// <summary>
/// The CLI's one answer to SIGINT (Ctrl-C) and SIGTERM, for every command. The first signal
/// cancels <see cref="Stopping"/>: the command stops what it does and cleans up. The second
/// cancels <see cref="Hurry"/>: the cleanup cuts its grace periods short (SIGKILL instead of
/// waiting) but still removes everything. A third signal ends the process at once, the escape
/// hatch for a command that does not listen.
/// </summary>
/// <remarks>
/// System.CommandLine 2.0.0 installs no signal handler unless
/// <c>InvocationConfiguration.ProcessTerminationTimeout</c> is set (its documentation promises a
/// 2 s default that the code does not have), and when set it returns from <c>InvokeAsync</c> after
/// that timeout while the command's cleanup still runs, so the process exits mid-cleanup. Hence
/// this class: the process lives until the command has returned. Nothing else in the process may
/// register SIGINT or SIGTERM handlers (the embedded server uses a lifetime that registers none).
/// </remarks>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hurry = new();
    private readonly PosixSignalRegistration _sigInt;
    private readonly PosixSignalRegistration _sigTerm;
    private int _received;

    public ShutdownSignals()
    {
        _sigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM: stop and clean up.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled by the second: clean up without waiting for anything to exit gracefully.</summary>
    public CancellationToken Hurry => _hurry.Token;

    public void Dispose()
    {
        _sigInt.Dispose();
        _sigTerm.Dispose();
        _stopping.Dispose();
        _hurry.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        var received = Interlocked.Increment(ref _received);
        if (received > 2)
        {
            return; // not cancelled: the runtime's default action ends the process
        }

        context.Cancel = true;
        try
        {
            // Cancel would run every callback and await continuation on the token inline, on the
            // runtime's signal-handling thread; CancelAsync runs them on the thread pool.
            _ = (received == 1 ? _stopping : _hurry).CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // the command has returned and the process is exiting anyway
        }
    }
}
