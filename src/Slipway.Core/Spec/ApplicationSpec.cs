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

    /// <summary>
    /// Env names every instance needs (<c>DATABASE_URL</c>): each must be set in <see cref="InstanceTemplate.Env"/>,
    /// by value or from a secret, to something other than a placeholder (<c>CHANGEME</c>, <c>${…}</c>, empty), or the
    /// release is refused before anything starts (the preflight checks).
    /// </summary>
    public IReadOnlyList<string> RequiredEnv { get; init; } = [];

    /// <summary>How strict the preflight checks that are advice rather than rules are.</summary>
    public PreflightPolicy Preflight { get; init; } = PreflightPolicy.Default;

    /// <summary>Commands and HTTP calls run at moments of a rollout (Flagger's webhooks, Argo's hooks).</summary>
    public IReadOnlyList<Hooks.HookSpec> Hooks { get; init; } = [];

    /// <summary>Service level objectives of the app×env, measured by the router (or Prometheus).</summary>
    public IReadOnlyList<Slo.SloSpec> Slos { get; init; } = [];

    /// <summary>What an error budget burning too fast blocks; defaults apply when <see cref="Slos"/> is not empty.</summary>
    public Slo.ErrorBudgetPolicy ErrorBudgetPolicy { get; init; } = Slo.ErrorBudgetPolicy.Default;
}

/// <summary>How a preflight advice is reported.</summary>
/// <param name="ReadinessProbe">An app with replicas and no readiness probe: a warning by default; <see cref="PreflightLevel.Error"/> refuses it.</param>
public sealed record PreflightPolicy(PreflightLevel ReadinessProbe)
{
    public static readonly PreflightPolicy Default = new(PreflightLevel.Warn);
}

public enum PreflightLevel
{
    Off,
    Warn,
    Error,
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

    /// <summary>
    /// What this release changes that a rollback cannot undo (a dropped column): rolling back past a revision that
    /// has run needs <c>--force</c>. Part of the template, so it belongs to the revision it was declared with.
    /// </summary>
    public IrreversibleSpec? Irreversible { get; init; }
}

/// <summary>Why a release (or a hook) cannot be undone by a rollback: shown to whoever tries.</summary>
public sealed record IrreversibleSpec(string Reason);

/// <summary>
/// An env variable of every instance: <see cref="Value"/>, or — with <see cref="SecretKeyRef"/> — the value of a key of
/// a Slipway secret in the app's environment (Kubernetes' <c>valueFrom.secretKeyRef</c>); <see cref="Value"/> is then "".
/// </summary>
public sealed record EnvVar(string Name, string Value)
{
    public SecretKeyRef? SecretKeyRef { get; init; }
}

/// <summary>
/// A key of a secret of the app's environment. <see cref="Version"/> is filled when a revision is made: the revision
/// pins the secret's version, so a changed secret is a new revision, rolled out by the strategy like a code change.
/// </summary>
public sealed record SecretKeyRef(string Name, string Key)
{
    public int? Version { get; init; }
}

/// <summary>
/// What runs: a directory (<see cref="Path"/>, resolved against the spec file's directory) or an OCI image
/// (<see cref="Image"/>, a reference as written, with the registry made explicit). <see cref="Digest"/> is filled
/// when a revision is made from it: the sha256 of the directory's content, or the digest the image's tag pointed at
/// then — the revision pins it, so a tag moved later never changes what a revision runs.
/// </summary>
public sealed record ArtifactRef(string? Path, string? Digest = null)
{
    /// <summary>The image reference (<c>registry/name:tag</c> or <c>registry/name@sha256:…</c>); null for a directory.</summary>
    public string? Image { get; init; }

    /// <summary>An image artifact: instances run as containers.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsImage => Image is not null;

    public static ArtifactRef ForImage(string image, string? digest = null) => new(null, digest) { Image = image };

    /// <summary>The image by the digest the revision pinned (<c>registry/name@sha256:…</c>, no tag); null for a directory or before pinning.</summary>
    public string? PinnedImage() =>
        Image is not null && Digest is not null ? (Oci.ImageReference.Parse(Image) with { Tag = null, Digest = Oci.Digest.Parse(Digest) }).ToString() : null;
}

/// <summary>Where the router sends requests for this app×env. Host defaults to <c>&lt;app&gt;.&lt;env&gt;.localhost</c>.</summary>
public sealed record RouteSpec(string Host, string PathPrefix)
{
    public static string DefaultHost(string app, string environment) => $"{app}.{environment}.localhost";
}
