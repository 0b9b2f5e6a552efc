namespace Slipway.Store;

/// <summary>What the store bounds by itself, so that its file does not grow with every change for ever.</summary>
public sealed record StoreOptions
{
    /// <summary>
    /// 500 events per app×env: a rollout writes a handful to a few dozen (one per step, pause, abort, restart …), so
    /// this keeps the story of the last tens of rollouts — more than the revisions the history limit keeps (10 by
    /// default) — while 1,000 app×envs stay within about 500,000 rows. Kubernetes keeps events an hour; Slipway's are
    /// the rollout history users read with <c>slipway history</c>, so they are bounded by count, not age.
    /// </summary>
    public const int DefaultEventsPerApp = 500;

    public static StoreOptions Default { get; } = new();

    /// <summary>
    /// Events kept per app×env, the newest. Older ones are deleted in a transaction that adds events, once every
    /// <see cref="PruneEvery"/> of them, so the event log never needs a sweep and never holds more than this plus
    /// <see cref="PruneEvery"/> (550 by default) per app×env.
    /// </summary>
    public int EventsPerApp { get; init; } = DefaultEventsPerApp;

    /// <summary>
    /// How many events an app×env gets between two prunes: a tenth of <see cref="EventsPerApp"/>. A prune walks that
    /// many index entries, which costs more than the insert; once in 50 inserts it costs a few microseconds each.
    /// </summary>
    public int PruneEvery => Math.Max(1, EventsPerApp / 10);

    /// <summary>
    /// 1,000 measurements per metric of a run: 16 minutes of a background analysis measuring every second, the whole
    /// of most. A run's verdict does not depend on them (its metrics keep their own counters); they are what
    /// <c>slipway analysis</c> shows. Older ones are deleted as new ones come.
    /// </summary>
    public const int DefaultMeasurementsPerMetric = 1000;

    /// <summary>50 analysis runs per app×env, the newest, with their measurements: a few runs per rollout.</summary>
    public const int DefaultAnalysisRunsPerApp = 50;

    public int MeasurementsPerMetric { get; init; } = DefaultMeasurementsPerMetric;

    public int AnalysisRunsPerApp { get; init; } = DefaultAnalysisRunsPerApp;

    /// <summary>
    /// 100 hook runs per app×env, the newest: a rollout makes a few, an event hook one per event. Runs still to finish
    /// are never deleted, nor succeeded irreversible ones while their revision is kept (what a rollback must warn about).
    /// </summary>
    public const int DefaultHookRunsPerApp = 100;

    public int HookRunsPerApp { get; init; } = DefaultHookRunsPerApp;
}
