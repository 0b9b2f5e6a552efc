using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Store;

namespace Slipway.Server;

/// <summary>The rollout commands of the API: promote, abort, retry, undo, restart. Each changes persisted status; the reconciler acts.</summary>
internal sealed class RolloutService(IStore store, ControlPlaneLock gate, ReconcileSignal signal, ApplyService apply, TimeProvider time)
{
    public async Task<string?> PromoteAsync(string app, string env, bool full, CancellationToken ct) =>
        await ChangeAsync(app, env, s => RolloutCommands.Promote(s, full), Reasons.Promoted, full ? "promoted: remaining steps skipped" : "promoted: pause finished", ct);

    public async Task<string?> AbortAsync(string app, string env, CancellationToken ct) =>
        await ChangeAsync(app, env, s => RolloutCommands.Abort(s), Reasons.AbortedByUser, "aborted by user; traffic back to stable", ct);

    public async Task<string?> RetryAsync(string app, string env, CancellationToken ct) =>
        await ChangeAsync(app, env, s => RolloutCommands.Retry(s, time.GetUtcNow()), Reasons.Retried, "retried from the first step", ct);

    public async Task<string?> RestartAsync(string app, string env, CancellationToken ct) =>
        await ChangeAsync(app, env, s => RolloutCommands.Restart(s, time.GetUtcNow()), Reasons.Restarted, "restart: instances are replaced one by one", ct);

    /// <summary>
    /// Back to the previous revision. During a rollout that is the stable revision (which still
    /// runs, so traffic returns at once); otherwise the revision that served before the stable one,
    /// rolled out without pausing at canary steps — immediate when it still runs (blue-green's
    /// scale-down delay).
    /// </summary>
    public async Task<string?> UndoAsync(string app, string env, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(ct);
        var record = await store.GetAppAsync(app, env, ct);
        if (record is null)
        {
            return $"app {app} has no environment {env}";
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var revisions = await store.ListRevisionsAsync(app, env, ct);
        int target;
        if (status.InProgress && status.StableRevision is int stable)
        {
            target = stable;
        }
        else
        {
            var events = await store.ListEventsAsync(app, env, 10_000, ct);
            var previous = events
                .Where(e => e.Reason == Reasons.RolloutCompleted && e.Revision is int r && r != status.StableRevision)
                .Select(e => e.Revision!.Value)
                .LastOrDefault();
            if (previous == 0)
            {
                return "there is no previous revision to go back to";
            }

            target = previous;
        }

        var template = revisions.Single(r => r.Number == target).Template;
        var manifest = new ApplicationManifest(new ApplicationMetadata(app, env, new Dictionary<string, string>()), record.Spec);
        if (status.InProgress && status.StableRevision == target)
        {
            // Abandon the rollout: the stable revision is what runs and serves.
            var next = status.WithStepsReset() with
            {
                UpdatedRevision = target,
                Aborted = false,
                Phase = RolloutPhase.Progressing,
                Reason = Reasons.Undo,
                Message = $"undo: back to revision {target}",
            };
            await store.SaveAppAsync(record with { Spec = record.Spec with { Template = template }, DesiredRevision = target, UpdatedAt = time.GetUtcNow() }, null, next, [new NewEvent(target, Reasons.Undo, $"undo: rollout of revision {status.UpdatedRevision} abandoned, back to revision {target}")], ct);
        }
        else
        {
            await apply.SaveAsync(manifest, record.Spec with { Template = template }, ct, changeCause: $"undo to revision {target}", fastTrack: true);
        }

        signal.Notify();
        return null;
    }

    private async Task<string?> ChangeAsync(string app, string env, Func<RolloutStatus, CommandResult> command, string reason, string message, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(ct);
        if (await store.GetAppAsync(app, env, ct) is null)
        {
            return $"app {app} has no environment {env}";
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var result = command(status);
        if (result.Error is not null)
        {
            return result.Error;
        }

        await store.SaveStatusAsync(app, env, result.Status!, [new NewEvent(status.UpdatedRevision, reason, message)], ct);
        signal.Notify();
        return null;
    }
}
