using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Slo;
using Slipway.Store;

namespace Slipway.Server;

/// <summary>
/// The rollout commands of the API: promote, abort, retry, undo, restart, pause, resume. Each is decided by
/// <see cref="RolloutCommands"/> and saved as persisted status with its event; the reconciler acts on it. The reply
/// says what the command did, in Core's words, prefixed with the app's name ("web: paused at step 2 of 5").
/// </summary>
/// <param name="errorBudget">The gate retry passes, as any new rollout does; none without.</param>
internal sealed class RolloutService(IStore store, ControlPlaneLock gate, WorkQueue queue, ApplyService apply, TimeProvider time, ErrorBudgetService? errorBudget = null)
{
    public Task<CommandReply> PromoteAsync(string app, string env, bool full, CancellationToken ct) =>
        ChangeAsync(app, env, (s, spec) => RolloutCommands.Promote(s, spec, full), ct);

    public Task<CommandReply> AbortAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, (s, _) => RolloutCommands.Abort(s), ct);

    public Task<CommandReply> RetryAsync(string app, string env, CancellationToken ct) => RetryAsync(app, env, null, ct);

    /// <summary>
    /// Starts an aborted rollout again: a new rollout, so refused while the app×env's error budget burns too fast
    /// (<see cref="ErrorBudgetService"/>) unless <paramref name="override"/> says who and why, which is recorded.
    /// </summary>
    public async Task<CommandReply> RetryAsync(string app, string env, Core.Slo.ErrorBudgetOverride? @override, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(new AppKey(app, env), ct);
        if (await store.GetAppAsync(app, env, ct) is not { } record)
        {
            return CommandRefusal.NoSuchApp(app, env);
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var result = RolloutCommands.Retry(status, time.GetUtcNow());
        if (result.Error is not null)
        {
            return new CommandRefusal(result.Error, false);
        }

        var events = new List<NewEvent> { ToNew(result.Event!) };
        if (errorBudget is not null)
        {
            var decision = await errorBudget.CheckAsync(record, @override, ct);
            if (!decision.Allowed)
            {
                var retry = $"slipway rollout retry {app} -e {env}";
                return new CommandRefusal(Core.Slo.ErrorBudgetGate.Refusal([decision.Burning!], "The rollout was not started.", retry), false);
            }

            if (decision.OverrideEvent is { } overridden)
            {
                events.Add(new NewEvent(result.Event!.Revision, Reasons.ErrorBudgetOverridden, overridden));
            }
        }

        await store.SaveStatusAsync(app, env, result.Status!, events, ct);
        queue.Add(new AppKey(app, env));
        return CommandReply.Done(app, result.Message!);
    }

    public Task<CommandReply> RestartAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, (s, spec) => RolloutCommands.Restart(s, spec, time.GetUtcNow()), ct);

    public Task<CommandReply> PauseAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, RolloutCommands.Pause, ct);

    public Task<CommandReply> ResumeAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, (s, _) => RolloutCommands.Resume(s, time.GetUtcNow()), ct);

    /// <summary>
    /// Back to the previous revision, or to <paramref name="toRevision"/> (<see cref="RolloutCommands.Undo"/>): the
    /// stable one of a rollout in progress, which still runs, so traffic returns at once; another one is rolled out
    /// without pausing at canary steps — immediate when it still runs (blue-green's scale-down delay).
    /// </summary>
    public async Task<CommandReply> UndoAsync(string app, string env, int? toRevision, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(new AppKey(app, env), ct);
        var record = await store.GetAppAsync(app, env, ct);
        if (record is null)
        {
            return CommandRefusal.NoSuchApp(app, env);
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var revisions = await store.ListRevisionsAsync(app, env, ct);
        var target = RolloutCommands.Undo(status, toRevision, revisions.Select(r => r.Number).ToList());
        if (target.Revision is not int revision)
        {
            return new CommandRefusal(target.Error!, false);
        }

        var template = revisions.Single(r => r.Number == revision).Template;
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

        queue.Add(new AppKey(app, env));
        return CommandReply.Done(app, target.Message!);
    }

    private async Task<CommandReply> ChangeAsync(string app, string env, Func<RolloutStatus, ApplicationSpec, CommandResult> command, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(new AppKey(app, env), ct);
        if (await store.GetAppAsync(app, env, ct) is not { } record)
        {
            return CommandRefusal.NoSuchApp(app, env);
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var result = command(status, record.Spec);
        if (result.Error is not null)
        {
            return new CommandRefusal(result.Error, false);
        }

        if (!result.Status!.IsEquivalentTo(status) || result.Event is not null)
        {
            await store.SaveStatusAsync(app, env, result.Status, result.Event is { } e ? [ToNew(e)] : [], ct);
            queue.Add(new AppKey(app, env));
        }

        return CommandReply.Done(app, result.Message!);
    }

    private static NewEvent ToNew(RolloutEvent e) => new(e.Revision, e.Reason, e.Message);
}

/// <summary>What a rollout command did (<see cref="Message"/>), or why it was not carried out (<see cref="Refusal"/>).</summary>
internal sealed record CommandReply(string? Message, CommandRefusal? Refusal)
{
    /// <summary>Done: what Core says the command did, for the app it did it to.</summary>
    public static CommandReply Done(string app, string message) => new($"{app}: {message}", null);

    public static implicit operator CommandReply(CommandRefusal refusal) => new(null, refusal);
}

/// <summary>Why a rollout command was not carried out: the app×env does not exist, or the command does not apply now.</summary>
internal sealed record CommandRefusal(string Message, bool AppNotFound)
{
    public static CommandRefusal NoSuchApp(string app, string env) => new($"app {app} has no environment {env}", true);
}
