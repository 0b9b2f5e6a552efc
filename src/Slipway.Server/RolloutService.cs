using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Core.Preflight;
using Slipway.Server.Apply;
using Slipway.Server.Preflight;
using Slipway.Server.Reconcile;
using Slipway.Server.Slo;
using Slipway.Store;

namespace Slipway.Server;

/// <summary>
/// The rollout commands of the API: promote, abort, retry, undo, restart, pause, resume. Each is decided by
/// <see cref="RolloutCommands"/> and saved as persisted status with its event; the reconciler acts on it. The reply
/// says what the command did, in Core's words, prefixed with the app's name ("web: paused at step 2 of 5").
/// </summary>
/// <remarks>
/// <c>retry</c> and an <c>undo</c> that starts a revision (not one back to the stable revision, which still runs) pass
/// the preflight checks first (<see cref="PreflightRunner.CheckRevisionAsync"/>), with the app's spec as it is now: a
/// refusal names every item, and nothing is saved or moved.
/// <c>retry</c> starts a rollout: it is refused while the app×env's error budget burns too fast, unless overridden
/// (<see cref="ErrorBudgetService"/>), like an apply.
/// </remarks>
/// <param name="errorBudget">The gate retry passes, as any new rollout does; none without.</param>
internal sealed class RolloutService(IStore store, ControlPlaneLock gate, WorkQueue queue, ApplyService apply, TimeProvider time, ErrorBudgetService? errorBudget = null)
{
    private readonly PreflightRunner _preflight = apply.Preflight;

    public Task<CommandReply> PromoteAsync(string app, string env, bool full, CancellationToken ct) =>
        ChangeAsync(app, env, (s, spec) => RolloutCommands.Promote(s, spec, full), ct);

    public Task<CommandReply> AbortAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, (s, _) => RolloutCommands.Abort(s), ct);

    /// <summary>
    /// Starts an aborted rollout again: past an irreversible change only with <paramref name="force"/>, and — a new
    /// rollout — while the error budget burns too fast only with <paramref name="budgetOverride"/>; both recorded.
    /// </summary>
    public Task<CommandReply> RetryAsync(string app, string env, RollbackOverride? force, Core.Slo.ErrorBudgetOverride? budgetOverride, CancellationToken ct) =>
        ChangeAsync(app, env, (s, _) => RolloutCommands.Retry(s, time.GetUtcNow(), force), ct, starts: s => s.UpdatedRevision, budgetOverride);

    public Task<CommandReply> RestartAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, (s, spec) => RolloutCommands.Restart(s, spec, time.GetUtcNow()), ct);

    public Task<CommandReply> PauseAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, RolloutCommands.Pause, ct);

    public Task<CommandReply> ResumeAsync(string app, string env, CancellationToken ct) =>
        ChangeAsync(app, env, (s, _) => RolloutCommands.Resume(s, time.GetUtcNow()), ct);

    /// <summary>
    /// Back to the previous revision, or to <paramref name="toRevision"/> (<see cref="RolloutCommands.Undo"/>): the
    /// stable one of a rollout in progress, which still runs, so traffic returns at once; another one is rolled out
    /// without pausing at canary steps — immediate when it still runs (blue-green's scale-down delay). Going back past
    /// an irreversible change needs <paramref name="force"/>, recorded as an event with who and why.
    /// </summary>
    public async Task<CommandReply> UndoAsync(string app, string env, int? toRevision, RollbackOverride? force, CancellationToken ct)
    {
        using var _ = await gate.AcquireAsync(new AppKey(app, env), ct);
        var record = await store.GetAppAsync(app, env, ct);
        if (record is null)
        {
            return CommandRefusal.NoSuchApp(app, env);
        }

        var status = await store.GetStatusAsync(app, env, ct);
        var revisions = await store.ListRevisionsAsync(app, env, ct);
        var target = RolloutCommands.Undo(status, toRevision, revisions.Select(r => r.Number).ToList(), force);
        if (target.Revision is not int revision)
        {
            return new CommandRefusal(target.Error!, false);
        }

        var template = revisions.Single(r => r.Number == revision).Template;
        PreflightResult? checks = null;
        if (!target.AbandonsRollout)
        {
            checks = await _preflight.CheckRevisionAsync(app, env, record.Spec with { Template = template }, ct);
            if (checks.Refused)
            {
                return new CommandRefusal(checks.Message!, false);
            }
        }

        if (target.AbandonsRollout)
        {
            var abandoned = RolloutCommands.Abandon(status);
            await store.SaveAppAsync(
                record with { Spec = record.Spec with { Template = template }, DesiredRevision = revision, UpdatedAt = time.GetUtcNow() },
                null,
                abandoned.Status!,
                [.. Forced(target), ToNew(abandoned.Event!)],
                ct);
        }
        else
        {
            var manifest = new ApplicationManifest(new ApplicationMetadata(app, env, new Dictionary<string, string>()), record.Spec);
            await apply.SaveAsync(manifest, record.Spec with { Template = template }, ct, changeCause: $"undo to revision {revision}", fastTrack: true, recorded: Forced(target));
        }

        queue.Add(new AppKey(app, env));
        return CommandReply.Done(app, target.Message!) with { Warnings = WarningsOf(checks) };
    }

    /// <param name="starts">For a command that starts instances of a revision (retry): which one, for the preflight checks.</param>
    /// <param name="budgetOverride">For a command that starts a rollout: who lets it start while the error budget burns too fast, and why.</param>
    private async Task<CommandReply> ChangeAsync(
        string app, string env, Func<RolloutStatus, ApplicationSpec, CommandResult> command, CancellationToken ct, Func<RolloutStatus, int?>? starts = null, Core.Slo.ErrorBudgetOverride? budgetOverride = null)
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

        PreflightResult? checks = null;
        if (starts?.Invoke(status) is int revision
            && (await store.ListRevisionsAsync(app, env, ct)).FirstOrDefault(r => r.Number == revision) is { } started)
        {
            checks = await _preflight.CheckRevisionAsync(app, env, record.Spec with { Template = started.Template }, ct);
            if (checks.Refused)
            {
                return new CommandRefusal(checks.Message!, false);
            }
        }

        var events = result.Event is { } e ? new List<NewEvent> { ToNew(e) } : [];
        if (starts is not null && errorBudget is not null)
        {
            var decision = await errorBudget.CheckAsync(record, budgetOverride, ct);
            if (!decision.Allowed)
            {
                return new CommandRefusal(Core.Slo.ErrorBudgetGate.Refusal([decision.Burning!], "The rollout was not started.", $"slipway rollout retry {app} -e {env}"), false);
            }

            if (decision.OverrideEvent is { } overridden)
            {
                events.Add(new NewEvent(result.Event?.Revision, Reasons.ErrorBudgetOverridden, overridden));
            }
        }

        if (!result.Status!.IsEquivalentTo(status) || events.Count > 0)
        {
            await store.SaveStatusAsync(app, env, result.Status, events, ct);
            queue.Add(new AppKey(app, env));
        }

        return CommandReply.Done(app, result.Message!) with { Warnings = WarningsOf(checks) };
    }

    /// <summary>What the preflight checks of the revision the command starts advise against (no readiness probe).</summary>
    private static IReadOnlyList<string> WarningsOf(PreflightResult? checks) => checks is null ? [] : [.. checks.WarningMessages];

    private static NewEvent ToNew(RolloutEvent e) => new(e.Revision, e.Reason, e.Message);

    private static IReadOnlyList<NewEvent> Forced(UndoTarget target) => target.Forced is { } e ? [ToNew(e)] : [];
}

/// <summary>What a rollout command did (<see cref="Message"/>), or why it was not carried out (<see cref="Refusal"/>).</summary>
internal sealed record CommandReply(string? Message, CommandRefusal? Refusal)
{
    /// <summary>The preflight warnings of the revision the command starts (undo, retry), each a sentence.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Done: what Core says the command did, for the app it did it to.</summary>
    public static CommandReply Done(string app, string message) => new($"{app}: {message}", null);

    public static implicit operator CommandReply(CommandRefusal refusal) => new(null, refusal);
}

/// <summary>Why a rollout command was not carried out: the app×env does not exist, or the command does not apply now.</summary>
internal sealed record CommandRefusal(string Message, bool AppNotFound)
{
    public static CommandRefusal NoSuchApp(string app, string env) => new($"app {app} has no environment {env}", true);
}
