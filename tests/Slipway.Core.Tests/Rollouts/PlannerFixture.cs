using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Rollouts;

/// <summary>Drives the planner pass by pass, playing the target: instances appear as planned and become ready when told.</summary>
internal sealed class PlannerFixture(StrategySpec strategy, int replicas = 3, int progressDeadlineSeconds = 600)
{
    public ApplicationSpec Spec { get; set; } = new(
        new InstanceTemplate(new ArtifactRef("/srv/app"), "app", [], [], null, ProbeSet.None, 30),
        replicas,
        new RouteSpec("web.dev.localhost", "/"),
        progressDeadlineSeconds,
        strategy);

    public RolloutStatus Status { get; set; } = RolloutStatus.Empty;

    public Dictionary<int, RevisionObservation> Observed { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public RolloutDecision Last { get; private set; } = null!;

    public List<RolloutEvent> Events { get; } = [];

    /// <summary>Which revisions become ready when started; the rest stay not ready.</summary>
    public HashSet<int> Healthy { get; } = [];

    public RolloutDecision Pass()
    {
        Last = RolloutPlanner.Plan(new RolloutContext(Spec, Status, Observed, Now));
        Status = Last.Status;
        Events.AddRange(Last.Events);
        return Last;
    }

    /// <summary>Applies the last decision's replica counts as the target would (surplus removed, new ones ready if healthy).</summary>
    public void Act()
    {
        foreach (var revision in Observed.Keys.Union(Last.Replicas.Keys).ToList())
        {
            var desired = Last.Replicas.GetValueOrDefault(revision);
            Observed[revision] = new RevisionObservation(desired, Healthy.Contains(revision) ? desired : 0, 0);
            if (desired == 0)
            {
                Observed.Remove(revision);
            }
        }
    }

    /// <summary>Passes and acts until nothing changes any more (or a bound is hit).</summary>
    public RolloutDecision Settle(int maxPasses = 50)
    {
        for (var i = 0; i < maxPasses; i++)
        {
            var before = (Status, string.Join(",", Observed.OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}")));
            Pass();
            Act();
            var after = (Status, string.Join(",", Observed.OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}")));
            if (before == after)
            {
                break;
            }
        }

        return Last;
    }

    public void Deploy(int revision)
    {
        Healthy.Add(revision);
        Status = RolloutCommands.StartRevision(Status, revision, Now);
    }

    public int Weight(int revision) => Last.Traffic.Main.Where(w => w.Revision == revision).Sum(w => w.Weight);
}
