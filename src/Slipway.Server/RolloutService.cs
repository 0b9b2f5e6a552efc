using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Store;

namespace Slipway.Server;

/// <summary>
/// The rollout commands of the API: promote, abort, retry, undo, restart. Each is decided by <see cref="RolloutCommands"/>
/// and saved as persisted status with its event; the reconciler acts on it.
/// </summary>
internal sealed class RolloutService(IStore store, ControlPlaneLock gate, ReconcileSignal signal, ApplyService apply, TimeProvider time)
{
    public Task<CommandRefusal?> PromoteAsync(string app, string env, bool full, CancellationToken ct) =>
        ChangeAsync(app, env, s => RolloutCommands.Promote(s, full), ct);

    public Task<CommandRefusal?> AbortAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, RolloutCommands.Abort, ct);

    public Task<CommandRefusal?> RetryAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, s => RolloutCommands.Retry(s, time.GetUtcNow()), ct);

    public Task<CommandRefusal?> RestartAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, s => RolloutCommands.Restart(s, time.GetUtcNow()), ct);

    /// <summary>
    /// Back to the previous revision (<see cref="RolloutCommands.Undo"/>): during a rollout the stable one, which still
    /// runs, so traffic returns at once; otherwise the revision stable before the current one, rolled out without
    /// pausing at canary steps — immediate when it still runs (blue-green's scale-down delay).
    /// </summary>
    public async Task<CommandRefusal?> UndoAsync(string app, string env, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(ct);
        var record = await store.GetAppAsync(app, env, ct);
        if (record is null)
        {
            return CommandRefusal.NoSuchApp(app, env);
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var target = RolloutCommands.Undo(status);
        if (target.Revision is not int revision)
        {
            return new CommandRefusal(target.Error!, false);
        }

        var template = (await store.ListRevisionsAsync(app, env, ct)).Single(r => r.Number == revision).Template;
        if (target.AbandonsRollout)
        {
            var abandoned = RolloutCommands.Abandon(status);
            await store.SaveAppAsync(
                record with { Spec = record.Spec with { Template = template }, DesiredRevision = revision, UpdatedAt = time.GetUtcNow() },
                null,
                abandoned.Status!,
                [ToNew(abandoned.Event!)],
                ct);
        }
        else
        {
            var manifest = new ApplicationManifest(new ApplicationMetadata(app, env, new Dictionary<string, string>()), record.Spec);
            await apply.SaveAsync(manifest, record.Spec with { Template = template }, ct, changeCause: $"undo to revision {revision}", fastTrack: true);
        }

        signal.Notify();
        return null;
    }

    private async Task<CommandRefusal?> ChangeAsync(string app, string env, Func<RolloutStatus, CommandResult> command, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(ct);
        if (await store.GetAppAsync(app, env, ct) is null)
        {
            return CommandRefusal.NoSuchApp(app, env);
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var result = command(status);
        if (result.Error is not null)
        {
            return new CommandRefusal(result.Error, false);
        }

        await store.SaveStatusAsync(app, env, result.Status!, result.Event is { } e ? [ToNew(e)] : [], ct);
        signal.Notify();
        return null;
    }

    private static NewEvent ToNew(RolloutEvent e) => new(e.Revision, e.Reason, e.Message);
}

/// <summary>Why a rollout command was not carried out: the app×env does not exist, or the command does not apply now.</summary>
internal sealed record CommandRefusal(string Message, bool AppNotFound)
{
    public static CommandRefusal NoSuchApp(string app, string env) => new($"app {app} has no environment {env}", true);
}
