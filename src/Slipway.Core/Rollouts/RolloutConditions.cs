namespace Slipway.Core.Rollouts;

/// <summary>The conditions of a rollout status, in the Kubernetes sense; recomputed every pass, with the time each last changed.</summary>
internal static class RolloutConditions
{
    public static IReadOnlyList<RolloutCondition> Compute(RolloutPass pass)
    {
        var status = pass.Status;
        var replicas = pass.Replicas;
        var stableReady = status.StableRevision is int s ? pass.Observe(s).Ready : 0;
        var paused = status.Phase == RolloutPhase.Paused || status.PausedByUser;
        return
        [
            Condition(pass, "Available", stableReady >= replicas, stableReady >= replicas ? "InstancesReady" : Reasons.InstancesNotReady, $"{stableReady}/{replicas} instances of the stable revision ready"),
            Condition(pass, "Progressing", status.InProgress && !status.Aborted, status.Reason, status.Message),
            Condition(pass, "Paused", paused, status.PausedByUser ? Reasons.PausedByUser : paused ? status.Reason : null, null),
            Condition(pass, "Aborted", status.Aborted, status.Aborted ? status.Reason : null, status.Aborted ? status.Message : null),
        ];
    }

    private static RolloutCondition Condition(RolloutPass pass, string type, bool value, string? reason, string? message)
    {
        var previous = pass.Context.Status.Conditions.FirstOrDefault(c => c.Type == type);
        var since = previous is not null && previous.Status == value ? previous.LastTransitionTime : pass.Now;
        return new RolloutCondition(type, value, reason, message, since);
    }
}
