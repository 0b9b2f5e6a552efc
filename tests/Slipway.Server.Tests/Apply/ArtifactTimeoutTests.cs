using Slipway.Server.Apply;

namespace Slipway.Server.Tests.Apply;

/// <summary>A pass over an artifact that never ends — stuck in a system call no token can interrupt — does not keep its caller waiting.</summary>
public sealed class ArtifactTimeoutTests
{
    [Fact]
    public async Task A_pass_that_never_ends_is_abandoned_at_the_limit_and_told_to_stop()
    {
        using var stuck = new ManualResetEventSlim();
        var cancelled = new TaskCompletionSource();

        var run = ArtifactTimeout.RunAsync<int>(
            ct =>
            {
                ct.Register(() => cancelled.TrySetResult());
                stuck.Wait(CancellationToken.None); // like a read(2) on a hung file system: cancellation does not reach it
                return Task.FromResult(0);
            },
            TimeSpan.FromMilliseconds(200),
            TimeProvider.System,
            CancellationToken.None);

        await Assert.ThrowsAsync<TimeoutException>(() => run.WaitAsync(TimeSpan.FromSeconds(120)));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(120));
        stuck.Set();
    }

    [Fact]
    public async Task A_pass_that_had_not_started_by_the_deadline_still_runs_and_is_told_to_stop()
    {
        // What a busy machine does: the deadline passes before the thread pool starts the pass. It failed, now and
        // then, when the pass was dropped unstarted and never saw its cancellation.
        var cancelled = new TaskCompletionSource();
        var run = ArtifactTimeout.RunAsync<int>(
            ct =>
            {
                ct.Register(() => cancelled.TrySetResult());
                return new TaskCompletionSource<int>().Task; // never done by itself: the deadline always comes first
            },
            TimeSpan.Zero,
            TimeProvider.System,
            CancellationToken.None);

        await Assert.ThrowsAsync<TimeoutException>(() => run.WaitAsync(TimeSpan.FromSeconds(120)));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task A_pass_that_finishes_in_time_returns_its_result()
    {
        Assert.Equal(42, await ArtifactTimeout.RunAsync(_ => Task.FromResult(42), TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None));
    }
}
