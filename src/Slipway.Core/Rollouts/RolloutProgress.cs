namespace Slipway.Core.Rollouts;

/// <summary>
/// How far a rollout got, and since when it got no further: the progress deadline counts from <see cref="Since"/>.
/// Progress is a later step, or more available instances (a strategy's score) at the same step — never a message
/// that changed. A regression (3 instances available, then 1) is not progress, and neither is getting back to 3, so a
/// flapping revision runs into its deadline. Pauses are not waits: a completed pause is a step, which restarts the
/// clock, and no deadline runs while a rollout is paused.
/// </summary>
/// <param name="Step">Where the strategy is (the canary step index; 0 or 1 for the phases of others).</param>
/// <param name="Best">The highest score reached at <see cref="Step"/> (for example, available instances).</param>
/// <param name="Since">When the rollout last made progress.</param>
public sealed record RolloutProgress(int Step, int Best, DateTimeOffset Since)
{
    public static RolloutProgress Start(DateTimeOffset now) => new(0, 0, now);

    /// <summary>This progress after observing <paramref name="score"/> at <paramref name="step"/>.</summary>
    public RolloutProgress Observe(int step, int score, DateTimeOffset now) =>
        step > Step || (step == Step && score > Best) ? new RolloutProgress(step, score, now) : this;

    public DateTimeOffset DeadlineAt(int deadlineSeconds) => Since.AddSeconds(deadlineSeconds);

    public bool IsPastDeadline(int deadlineSeconds, DateTimeOffset now) => now >= DeadlineAt(deadlineSeconds);
}

/// <summary>What a progressing rollout waits for: the typed reason of its status (its message is for people only).</summary>
public enum WaitReason
{
    /// <summary>Instances of the new revision are not all available yet (first deploy, recreate, full promotion).</summary>
    InstancesNotAvailable,

    /// <summary>The canary step needs more available canary instances.</summary>
    CanaryNotAvailable,

    /// <summary>Blue-green: the new revision is not fully available on the preview route yet.</summary>
    PreviewNotAvailable,

    /// <summary>Rolling: new instances coming up, old ones going.</summary>
    RollingUpdate,

    /// <summary>Recreate: the old instances are being stopped before the new ones start.</summary>
    OldInstancesStopping,
}
