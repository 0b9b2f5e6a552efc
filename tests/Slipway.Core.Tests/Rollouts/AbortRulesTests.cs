using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>A new revision that crashes, restarts or flaps is never promoted; the rollout aborts, traffic first.</summary>
public sealed class AbortRulesTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static PlannerFixture TimedCanary(int replicas, int minReadySeconds, int progressDeadlineSeconds = 600)
    {
        var f = new PlannerFixture(
            new CanaryStrategy([new SetWeightStep(50), new PauseStep(TimeSpan.FromSeconds(5)), new SetWeightStep(100)]),
            replicas: replicas,
            progressDeadlineSeconds: progressDeadlineSeconds,
            minReadySeconds: minReadySeconds);
        f.Deploy(1);
        f.Run(TimeSpan.FromSeconds(minReadySeconds + 5), Second);
        Assert.Equal(RolloutPhase.Healthy, f.Status.Phase);
        return f;
    }

    [Fact]
    public void A_canary_that_passes_readiness_and_crashes_three_seconds_after_every_start_is_aborted_never_promoted()
    {
        var f = TimedCanary(replicas: 1, minReadySeconds: 5);
        f.Deploy(2);
        var sinceStart = new Dictionary<string, int>();
        f.Run(TimeSpan.FromSeconds(60), Second,
            world: _ =>
            {
                // Every canary process dies three seconds after it (re)started; the fixture makes it ready again next round.
                foreach (var i in f.Instances.Where(i => i.Revision == 2 && !i.Terminating).ToList())
                {
                    sinceStart[i.Id] = sinceStart.GetValueOrDefault(i.Id) + 1;
                    if (sinceStart[i.Id] >= 3)
                    {
                        sinceStart[i.Id] = 0;
                        f.Crash(2);
                    }
                }
            },
            check: plan => Assert.NotEqual(2, plan.Status.StableRevision));

        Assert.True(f.Status.Aborted);
        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.MaxRestartsExceeded, f.Status.Reason);
        Assert.Contains("restarted 3 times", f.Status.Message);
        Assert.Equal(100, f.Weight(1));
        Assert.Equal(1, f.Status.StableRevision);
        Assert.False(f.Runs(2));
    }

    [Fact]
    public void A_canary_restarted_by_its_liveness_probe_while_readiness_looks_green_is_aborted_during_its_pause()
    {
        // minReadySeconds 0: readiness alone looks perfect, only the restarts give the canary away.
        var f = TimedCanary(replicas: 3, minReadySeconds: 0);
        f.Spec = f.Spec with { Strategy = new CanaryStrategy([new SetWeightStep(10), new PauseStep(TimeSpan.FromSeconds(60)), new SetWeightStep(100)]) };
        f.Deploy(2);
        f.Settle();
        Assert.Equal(RolloutPhase.Paused, f.Status.Phase);

        f.Run(TimeSpan.FromSeconds(40), Second, world: elapsed =>
        {
            if (elapsed.TotalSeconds % 10 == 0)
            {
                f.Crash(2);
            }
        }, check: plan => Assert.NotEqual(2, plan.Status.StableRevision));

        Assert.True(f.Status.Aborted);
        Assert.Equal(Reasons.MaxRestartsExceeded, f.Status.Reason);
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void A_canary_whose_readiness_flaps_is_never_promoted_and_reaches_its_progress_deadline()
    {
        var f = TimedCanary(replicas: 1, minReadySeconds: 5, progressDeadlineSeconds: 30);
        f.Deploy(2);

        // Ready for three seconds, not ready for three seconds, and so on; it never restarts.
        f.Run(TimeSpan.FromSeconds(45), Second, world: elapsed =>
        {
            var second = (int)elapsed.TotalSeconds % 6;
            if (second == 3)
            {
                f.Healthy.Remove(2);
                f.Unready(2);
            }
            else if (second == 0)
            {
                f.Healthy.Add(2);
            }
        }, check: plan => Assert.Equal(0, plan.Traffic.Main.Where(w => w.Revision == 2).Sum(w => w.Weight)));

        Assert.True(f.Status.Aborted);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
        Assert.Equal(1, f.Status.StableRevision);
        Assert.Equal(100, f.Weight(1));
    }

    [Fact]
    public void A_regression_and_its_recovery_are_not_progress_so_the_deadline_runs_from_the_last_real_progress()
    {
        var f = TimedCanary(replicas: 3, minReadySeconds: 0, progressDeadlineSeconds: 30);
        f.Spec = f.Spec with { Strategy = new CanaryStrategy([new SetWeightStep(100)]) };
        f.Status = RolloutCommands.StartRevision(f.Status, 2, f.Now).Status!; // revision 2 is not healthy by itself
        f.Settle();
        Assert.Equal(3, f.Observed(2).Instances);

        SetReady(f, 2); // 2/3: progress
        f.Pass();
        var progressAt = f.Now;
        Assert.Equal(progressAt, f.Status.Progress!.Since);

        f.Now += TimeSpan.FromSeconds(10);
        SetReady(f, 1); // 2/3 → 1/3: a regression
        f.Pass();
        f.Now += TimeSpan.FromSeconds(10);
        SetReady(f, 2); // back to 2/3: where it was, not progress
        f.Pass();
        Assert.Equal(progressAt, f.Status.Progress!.Since);
        Assert.False(f.Status.Aborted);

        f.Now = progressAt + TimeSpan.FromSeconds(30);
        f.Pass();
        Assert.True(f.Status.Aborted);
        Assert.Equal(Reasons.ProgressDeadlineExceeded, f.Status.Reason);
        Assert.Equal(100, f.Weight(1));
    }

    private static void SetReady(PlannerFixture f, int count)
    {
        var canary = f.Instances.Where(i => i.Revision == 2 && !i.Terminating).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        for (var n = 0; n < canary.Count; n++)
        {
            var index = f.Instances.IndexOf(canary[n]);
            var ready = n < count;
            f.Instances[index] = canary[n] with { Ready = ready, ReadySince = ready ? canary[n].ReadySince ?? f.Now : null };
        }
    }

    [Fact]
    public void A_first_deploy_that_crash_loops_is_degraded_with_the_reason_and_keeps_running()
    {
        var f = new PlannerFixture(new RollingStrategy(IntOrPercent.Percent(25), IntOrPercent.Percent(25)), replicas: 2, minReadySeconds: 5);
        f.Deploy(1);
        f.Run(TimeSpan.FromSeconds(12), Second, world: elapsed =>
        {
            if (elapsed.TotalSeconds % 3 == 0)
            {
                f.Crash(1);
            }
        });

        Assert.Equal(RolloutPhase.Degraded, f.Status.Phase);
        Assert.Equal(Reasons.MaxRestartsExceeded, f.Status.Reason);
        Assert.False(f.Status.Aborted); // nothing to go back to
        Assert.Equal(2, f.Last.Replicas[1]);
    }
}
