using Microsoft.Extensions.Logging;
using Slipway.Core.Rollouts;
using Slipway.Server.Targets;
using Slipway.Server.Reconcile;
using Slipway.Store;

namespace Slipway.Server.Housekeeping;

/// <summary>
/// Deletes the revisions each app×env's <c>revisionHistoryLimit</c> lets go; <see cref="RevisionRetention"/> decides
/// which, from the persisted status and the instances the target runs. Their artifact copies and logs go afterwards
/// (<see cref="ArtifactCollector"/>, <see cref="LogCollector"/>).
/// </summary>
/// <remarks>
/// One read of every revision of every app finds the app×envs over their limit; only those are looked at closely,
/// each under the control-plane lock: an apply decides to reuse a revision (a template seen before) and saves that
/// decision under the same lock, so a revision it reuses is never deleted between the two.
/// </remarks>
internal sealed partial class RevisionPruner(IStore store, ControlPlaneLock gate, ITarget target, ILogger<RevisionPruner> logger)
{
    /// <returns>The revisions deleted, per app×env.</returns>
    public async Task<IReadOnlyList<PrunedRevisions>> PruneAsync(CancellationToken ct)
    {
        var counts = (await store.ListRevisionSummariesAsync(ct))
            .GroupBy(r => (r.App, r.Environment))
            .ToDictionary(g => g.Key, g => g.Count());
        var pruned = new List<PrunedRevisions>();
        foreach (var app in await store.ListAppsAsync(ct))
        {
            // The newest revision is always kept: at most the limit plus one can never be too many.
            if (counts.GetValueOrDefault((app.App, app.Environment)) <= app.Spec.RevisionHistoryLimit + 1)
            {
                continue;
            }

            if (await PruneAsync(app.App, app.Environment, ct) is { Numbers.Count: > 0 } done)
            {
                pruned.Add(done);
                Log.Pruned(logger, done.App, done.Environment, done.Numbers.Count, string.Join(", ", done.Numbers));
            }
        }

        return pruned;
    }

    private async Task<PrunedRevisions?> PruneAsync(string app, string environment, CancellationToken ct)
    {
        var key = new AppKey(app, environment);
        using var _ = await gate.AcquireAsync(key, ct);
        if (await store.GetAppAsync(app, environment, ct) is not { } record)
        {
            return null; // deleted meanwhile: its revisions went with it
        }

        var status = await store.GetStatusAsync(app, environment, ct);
        var revisions = (await store.ListRevisionsAsync(app, environment, ct)).Select(r => r.Number).ToList();
        var running = target.InstancesOf(key)
            .Where(i => i.AppUid is null || i.AppUid == record.Uid)
            .Select(i => i.Revision)
            .ToHashSet();
        var doomed = RevisionRetention.ToDelete(revisions, status, record.DesiredRevision, record.Spec.RevisionHistoryLimit, running);
        if (doomed.Count == 0)
        {
            return null;
        }

        await store.DeleteRevisionsAsync(app, environment, doomed, ct);
        return new PrunedRevisions(app, environment, doomed);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{App}/{Env}: {Count} revisions beyond its history limit deleted ({Revisions})")]
        public static partial void Pruned(ILogger logger, string app, string env, int count, string revisions);
    }
}

/// <summary>Revisions of one app×env deleted by the history limit, oldest first.</summary>
internal sealed record PrunedRevisions(string App, string Environment, IReadOnlyList<int> Numbers);
