using System.Globalization;
using Slipway.Core.Analysis;
using Slipway.Core.Hooks;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>
/// Drives the planner pass by pass, playing the target as the real one behaves: a started instance is first seen not
/// ready, and becomes ready on the next round if its revision is healthy; a stopped one is first seen terminating,
/// then gone. <see cref="Settle"/> runs rounds until a real fixed point (same status, same instances) or fails.
/// </summary>
internal sealed class PlannerFixture(StrategySpec strategy, int replicas = 3, int progressDeadlineSeconds = 600, int minReadySeconds = 0)
{
    private int _nextId;

    public ApplicationSpec Spec { get; set; } = new(
        new InstanceTemplate(new ArtifactRef("/srv/app"), "app", [], [], null, ProbeSet.None, 30),
        replicas,
        new RouteSpec("web.dev.localhost", "/"),
        progressDeadlineSeconds,
        strategy)
    { MinReadySeconds = minReadySeconds };

    public RolloutStatus Status { get; set; } = RolloutStatus.Empty;

    public List<ObservedInstance> Instances { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public RolloutPlan Last { get; private set; } = null!;

    public List<RolloutEvent> Events { get; } = [];

    /// <summary>Which revisions become ready when started; the rest stay not ready.</summary>
    public HashSet<int> Healthy { get; } = [];

    /// <summary>The analysis runs as the runner would report them; <see cref="SetRun"/> plays the runner.</summary>
    public Dictionary<AnalysisRunKey, AnalysisRunState> AnalysisRuns { get; } = [];

    /// <summary>The hook runs as the hook runner would report them; <see cref="SetHook"/> plays the runner.</summary>
    public Dictionary<HookRunKey, HookRunState> HookRuns { get; } = [];

    public RolloutContext Context => new(Spec, Status, Instances.ToList(), Now) { Analysis = [.. AnalysisRuns.Values], Hooks = [.. HookRuns.Values] };

    /// <summary>The run of the hook named <paramref name="hook"/> the last plan asked for.</summary>
    public HookRunKey RequestedHook(string hook) =>
        Last.Hooks.Single(r => r.Key.Hook == hook).Key;

    /// <summary>The runner reports the run of <paramref name="hook"/> the last plan asked for in <paramref name="phase"/>.</summary>
    public HookRunKey SetHook(string hook, HookPhase phase, int attempts = 1, string? message = null)
    {
        var key = RequestedHook(hook);
        HookRuns[key] = new HookRunState(key, phase, attempts, message);
        return key;
    }

    /// <summary>The run of <paramref name="kind"/> the last plan asked for.</summary>
    public AnalysisRunKey Requested(AnalysisKind kind) =>
        Last.Analysis.Single(r => r.Key.Kind == kind).Key;

    /// <summary>The runner reports the run of <paramref name="kind"/> the last plan asked for in <paramref name="phase"/>.</summary>
    public AnalysisRunKey SetRun(AnalysisKind kind, AnalysisPhase phase, bool evidence = true, string message = "metric errors: result 0.2")
    {
        var key = Requested(kind);
        AnalysisRuns[key] = new AnalysisRunState(key, phase, evidence, message);
        return key;
    }

    public RolloutPlan Pass()
    {
        Last = RolloutPlanner.Plan(Context);
        Status = Last.Status;
        Events.AddRange(Last.Events);
        return Last;
    }

    /// <summary>
    /// One round of the target: terminating instances go, instances of healthy revisions become ready, then the last
    /// plan's stops begin (terminating) and its starts appear (not ready yet).
    /// </summary>
    public void Act()
    {
        Instances.RemoveAll(i => i.Terminating);
        for (var n = 0; n < Instances.Count; n++)
        {
            var i = Instances[n];
            if (!i.Ready && Healthy.Contains(i.Revision))
            {
                Instances[n] = i with { Ready = true, ReadySince = Now };
            }
        }

        foreach (var id in Last.Stop)
        {
            var index = Instances.FindIndex(i => i.Id == id);
            Instances[index] = Instances[index] with { Terminating = true, Ready = false, ReadySince = null };
        }

        foreach (var (revision, count) in Last.Start)
        {
            for (var n = 0; n < count; n++)
            {
                Instances.Add(new ObservedInstance($"r{revision}-{_nextId++.ToString(CultureInfo.InvariantCulture)}", revision, Now, false, null, 0, false));
            }
        }
    }

    /// <summary>Passes and acts until a fixed point: the same status and the same instances after a round.</summary>
    public RolloutPlan Settle(int maxRounds = 60)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            var before = State();
            Pass();
            Act();
            if (State() == before)
            {
                return Pass();
            }
        }

        throw new InvalidOperationException($"no fixed point after {maxRounds} rounds: {State()}");
    }

    /// <summary>
    /// Lets <paramref name="duration"/> pass in rounds of <paramref name="tick"/>: before each round
    /// <paramref name="world"/> may change the instances (crash one, take readiness away); after it,
    /// <paramref name="check"/> sees the plan.
    /// </summary>
    public void Run(TimeSpan duration, TimeSpan tick, Action<TimeSpan>? world = null, Action<RolloutPlan>? check = null)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += tick)
        {
            world?.Invoke(elapsed);
            Pass();
            check?.Invoke(Last);
            Act();
            Now += tick;
        }
    }

    public void Deploy(int revision)
    {
        Healthy.Add(revision);
        Status = RolloutCommands.StartRevision(Status, revision, Now).Status!;
    }

    /// <summary>Every instance of <paramref name="revision"/> crashes once: not ready, one more restart, ready again next round if healthy.</summary>
    public void Crash(int revision)
    {
        for (var n = 0; n < Instances.Count; n++)
        {
            if (Instances[n] is { Terminating: false } i && i.Revision == revision)
            {
                Instances[n] = i with { Ready = false, ReadySince = null, Restarts = i.Restarts + 1 };
            }
        }
    }

    /// <summary>Every instance of <paramref name="revision"/> fails readiness (no restart); it comes back next round if healthy.</summary>
    public void Unready(int revision)
    {
        for (var n = 0; n < Instances.Count; n++)
        {
            if (Instances[n] is { Terminating: false } i && i.Revision == revision)
            {
                Instances[n] = i with { Ready = false, ReadySince = null };
            }
        }
    }

    public RevisionObservation Observed(int revision) => Context.Observe(revision);

    public bool Runs(int revision) => Instances.Any(i => i.Revision == revision && !i.Terminating);

    public int Weight(int revision) => Last.Traffic.Main.Where(w => w.Revision == revision).Sum(w => w.Weight);

    private string State() =>
        System.Text.Json.JsonSerializer.Serialize(Status, SlipwayJson.Options) + string.Join(";", Instances.OrderBy(i => i.Id, StringComparer.Ordinal));
}
