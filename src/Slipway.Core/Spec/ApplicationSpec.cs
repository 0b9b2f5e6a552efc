namespace Slipway.Core.Spec;

/// <summary>What runs (the template), how many, how it is reached and how it is replaced.</summary>
public sealed record ApplicationSpec(
    InstanceTemplate Template,
    int Replicas,
    RouteSpec Route,
    int ProgressDeadlineSeconds,
    StrategySpec Strategy)
{
    public const int DefaultReplicas = 1;
    public const int DefaultProgressDeadlineSeconds = 600;
    public const int DefaultMinReadySeconds = 5;
    public const int DefaultMaxRestarts = 2;
    public const int DefaultRevisionHistoryLimit = 10;

    /// <summary>
    /// How long an instance must have been ready, without a break, to count as available — for a rollout step, the
    /// final switch, a rolling batch or a restart (Kubernetes' <c>minReadySeconds</c>). An instance whose readiness
    /// flaps, or that crashes soon after becoming ready, never counts.
    /// </summary>
    public int MinReadySeconds { get; init; } = DefaultMinReadySeconds;

    /// <summary>
    /// The most times the new revision's instances may restart (exit, crash or fail liveness), in total, during its
    /// rollout; one more aborts the rollout, traffic first.
    /// </summary>
    public int MaxRestarts { get; init; } = DefaultMaxRestarts;

    /// <summary>
    /// How many old revisions of the app×env are kept besides those that run or that undo needs next (Argo Rollouts'
    /// <c>revisionHistoryLimit</c>, with its default); older ones, their artifact copies and their logs are deleted
    /// (see <see cref="Rollouts.RevisionRetention"/>). Each kept revision is a revision <c>rollout undo</c> can go back to.
    /// </summary>
    public int RevisionHistoryLimit { get; init; } = DefaultRevisionHistoryLimit;
}

/// <summary>
/// Everything that makes a revision: a change to any field here is a new revision and is rolled
/// out by the strategy, like a code change. Replicas, route, strategy and deadline are not part
/// of it, as with a Kubernetes pod template.
/// </summary>
public sealed record InstanceTemplate(
    ArtifactRef Artifact,
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<EnvVar> Env,
    int? Port,
    ProbeSet Probes,
    int TerminationGracePeriodSeconds)
{
    public const int DefaultTerminationGracePeriodSeconds = 30;
}

public sealed record EnvVar(string Name, string Value);

/// <summary>
/// What runs. Today a directory (<see cref="Path"/>, resolved against the spec file's directory);
/// the record is shaped so that an OCI image reference by digest can be added beside it.
/// <see cref="Digest"/> is filled when a revision is made from it (sha256 of the directory's content).
/// </summary>
public sealed record ArtifactRef(string Path, string? Digest = null);

/// <summary>Where the router sends requests for this app×env. Host defaults to <c>&lt;app&gt;.&lt;env&gt;.localhost</c>.</summary>
public sealed record RouteSpec(string Host, string PathPrefix)
{
    public static string DefaultHost(string app, string environment) => $"{app}.{environment}.localhost";
}
