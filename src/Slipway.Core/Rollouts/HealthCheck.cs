using Slipway.Core.Analysis;

namespace Slipway.Core.Rollouts;

/// <summary>
/// The analysis every rollout has without asking: the new revision's instances must not restart (exit, crash or fail
/// liveness) more than <c>maxRestarts</c> times during the rollout. Reported like a metric — name <c>health</c>, the
/// value, the condition, the phase — in status and <c>slipway analysis</c>; its failure aborts the rollout, traffic
/// first (<see cref="AbortRules"/>). Flapping readiness is caught by <c>minReadySeconds</c> instead: an instance that
/// flaps never counts as available, so the rollout does not go on and runs into its progress deadline.
/// </summary>
/// <param name="Restarts">Restarts of the revision's instances since the rollout started.</param>
public sealed record HealthCheck(int Revision, AnalysisPhase Phase, int Restarts, int MaxRestarts)
{
    public const string MetricName = "health";

    public string Condition => $"restarts <= maxRestarts ({MaxRestarts})";

    public string Message => Phase == AnalysisPhase.Failed
        ? $"revision {Revision}'s instances restarted {Restarts} times since the rollout started (maxRestarts {MaxRestarts}): it crashes or fails its liveness probe"
        : $"revision {Revision}'s instances restarted {Restarts} times since the rollout started (maxRestarts {MaxRestarts})";

    /// <summary>The check of the rollout in progress; null when none is.</summary>
    internal static HealthCheck? Of(RolloutPass pass)
    {
        if (!pass.Status.InProgress || pass.Status.UpdatedRevision is not int updated)
        {
            return null;
        }

        var restarts = pass.Observe(updated).Restarts;
        return new HealthCheck(updated, restarts > pass.Spec.MaxRestarts ? AnalysisPhase.Failed : AnalysisPhase.Running, restarts, pass.Spec.MaxRestarts);
    }
}
