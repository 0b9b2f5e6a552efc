using Slipway.Core.Rollouts;

namespace Slipway.Store;

/// <summary>
/// Slipway's persistence. Every write that belongs together is one call and one transaction, so a
/// crash never leaves half of it. SQLite implements it today; PostgreSQL will implement it for HA.
/// </summary>
public interface IStore
{
    Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct);

    Task<AppRecord?> GetAppAsync(string app, string environment, CancellationToken ct);

    Task<IReadOnlyList<RevisionRecord>> ListRevisionsAsync(string app, string environment, CancellationToken ct);

    /// <summary>
    /// Every revision of every app×env, without its template: the one read housekeeping needs (revisions per app×env,
    /// artifact digests still named, revisions whose logs may go), whatever the number of apps.
    /// </summary>
    Task<IReadOnlyList<RevisionSummary>> ListRevisionSummariesAsync(CancellationToken ct);

    /// <summary>
    /// Deletes revisions the history limit lets go (<see cref="Core.Rollouts.RevisionRetention"/>), in one transaction.
    /// Never the app×env's desired revision, whatever is asked. Returns how many were deleted.
    /// </summary>
    Task<int> DeleteRevisionsAsync(string app, string environment, IReadOnlyCollection<int> numbers, CancellationToken ct);

    Task<RolloutStatus> GetStatusAsync(string app, string environment, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> events of the app×env, oldest first; the store keeps a bounded number (<see cref="StoreOptions.EventsPerApp"/>).</summary>
    Task<IReadOnlyList<EventRecord>> ListEventsAsync(string app, string environment, int limit, CancellationToken ct);

    /// <summary>Saves the app, a new revision when there is one, the rollout status and events, atomically.</summary>
    Task SaveAppAsync(AppRecord app, RevisionRecord? newRevision, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct);

    /// <summary>Saves several apps (the documents of one file) in one transaction: all of them or none.</summary>
    Task SaveAppsAsync(IReadOnlyList<AppChange> changes, CancellationToken ct);

    /// <summary>Forgets an app×env: its spec, revisions, status and events. Its instances are then stopped by the reconciler.</summary>
    Task DeleteAppAsync(string app, string environment, CancellationToken ct);

    /// <summary>Saves the rollout status and events of one app×env, atomically.</summary>
    Task SaveStatusAsync(string app, string environment, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct);
}
