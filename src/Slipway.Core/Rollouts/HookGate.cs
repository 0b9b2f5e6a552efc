using Slipway.Core.Hooks;

namespace Slipway.Core.Rollouts;

/// <summary>
/// Where a rollout meets its hooks: the pass asks for the runs it needs now (so the runner stores and starts them)
/// and learns from their latest state what it may do. The strategies decide where their final promotion is; this
/// decides, one way for all of them, what each moment's hooks mean:
/// <list type="bullet">
/// <item><c>confirmRollout</c>, then <c>preRollout</c>, before anything of the new revision starts
/// (<see cref="BeforeStart"/>): a confirmation waits, paused, until its hook says yes or a human promotes; a
/// preRollout hook that failed after its retries aborts the rollout with nothing moved.</item>
/// <item><c>confirmPromotion</c> before the final promotion (<see cref="ConfirmPromotion"/>).</item>
/// <item><c>postPromotion</c> after a completion and <c>onAbort</c> after an abort (<see cref="FollowUps"/>): run once,
/// their failure reported; they change nothing.</item>
/// </list>
/// Hooks of one moment run one after the other, in the order the spec lists them. What a gate has let through is
/// recorded in the status, so that it is never asked again for the same rollout, whatever the runner remembers.
/// </summary>
internal static class HookGate
{
    /// <summary>
    /// Before the first instance of the new revision starts: true once its <c>confirmRollout</c> hooks have confirmed
    /// and its <c>preRollout</c> hooks have succeeded. Otherwise the rollout waits (the caller keeps the stable revision
    /// serving and starts nothing), or — a preRollout hook failed — it is aborted. A revision that already has
    /// instances (hooks added to a rollout in flight, a revision that still ran) is past this moment.
    /// </summary>
    public static bool BeforeStart(RolloutPass pass, int updated)
    {
        var status = pass.Status;
        var confirmed = status.RolloutConfirmed || !Has(pass, HookType.ConfirmRollout);
        var prepared = status.PreRolloutDone || !Has(pass, HookType.PreRollout);
        if (confirmed && prepared)
        {
            return true;
        }

        if (pass.Observe(updated).Instances > 0)
        {
            pass.Status = pass.Status with { RolloutConfirmed = true, PreRolloutDone = true };
            return true;
        }

        return (confirmed || Confirm(pass, HookType.ConfirmRollout, updated, $"the rollout of revision {updated}"))
            && (prepared || PreRollout(pass, updated));
    }

    /// <summary>
    /// Before the final promotion (the canary's move to all traffic, the blue-green switch, the last rolling batch,
    /// recreate's stop of the old instances): true once the <c>confirmPromotion</c> hooks have confirmed or a human
    /// promoted. Otherwise the rollout waits, paused, where it is; <paramref name="what"/> says what waits.
    /// </summary>
    public static bool ConfirmPromotion(RolloutPass pass, int updated, string what) =>
        pass.Status.PromotionConfirmed || !Has(pass, HookType.ConfirmPromotion) || Confirm(pass, HookType.ConfirmPromotion, updated, what);

    /// <summary>
    /// The hooks that follow the end of a rollout (<see cref="RolloutStatus.HooksToRun"/>): asked for one after the
    /// other until each has finished, then recorded — an event for each, a failure included, which changes nothing
    /// (a promotion cannot be undone by a hook; an abort is already done) — and cleared.
    /// </summary>
    public static void FollowUps(RolloutPass pass)
    {
        var status = pass.Status;
        if (status.HooksToRun is not { } type)
        {
            return;
        }

        var revision = type == HookType.PostPromotion ? status.StableRevision : status.UpdatedRevision;
        var hooks = Of(pass, type);
        if (hooks.Count == 0 || revision is not int r || status.StartedAt is null)
        {
            pass.Status = status with { HooksToRun = null };
            return;
        }

        var finished = new List<(HookSpec Hook, HookRunState State)>();
        foreach (var hook in hooks)
        {
            var state = Request(pass, type, hook, r);
            if (state is not { Phase: var phase } || !HookNames.IsFinished(phase))
            {
                return; // the next ones wait for it
            }

            finished.Add((hook, state));
        }

        foreach (var (hook, state) in finished)
        {
            pass.Events.Add(state.Phase == HookPhase.Succeeded
                ? new RolloutEvent(r, Reasons.HookSucceeded, $"{HookNames.Of(type)} hook {hook.Name} succeeded")
                : new RolloutEvent(r, Reasons.HookFailed, $"{Failure(type, hook, state)}; {(type == HookType.PostPromotion ? $"revision {r} stays stable: a hook cannot undo a promotion" : "the rollout stays aborted")}"));
        }

        pass.Status = pass.Status with { HooksToRun = null };
    }

    /// <summary>
    /// A rollout held by a user keeps the gate runs it started — asked for again as they are, so that a confirm gate
    /// goes on asking and resuming finds them where they were.
    /// </summary>
    public static void Hold(RolloutPass pass)
    {
        foreach (var run in pass.Context.Hooks.Where(h => h.Key.RolloutStartedAt == pass.Status.StartedAt && !HookNames.IsFinished(h.Phase)))
        {
            if (run.Key.Type is HookType.ConfirmRollout or HookType.PreRollout or HookType.ConfirmPromotion
                && pass.Spec.Hooks.FirstOrDefault(h => h.Type == run.Key.Type && h.Name == run.Key.Hook) is { } hook)
            {
                pass.Hooks.Add(new HookRunRequest(run.Key, hook));
            }
        }
    }

    /// <summary>
    /// Nothing of the new revision runs and no traffic moves: the stable revision serves at full size, and older ones
    /// left by an earlier rollout keep what they have, and their share of the traffic.
    /// </summary>
    public static void KeepServing(RolloutPass pass, int stable, int updated)
    {
        var older = pass.Context.ObservedRevisions.Where(r => r != updated && r != stable).ToList();
        foreach (var revision in older)
        {
            pass.DesiredReplicas[revision] = pass.Observe(revision).Instances;
        }

        pass.DesiredReplicas[stable] = pass.Replicas;
        pass.DesiredReplicas[updated] = pass.Observe(updated).Instances;
        var serving = older.Where(r => pass.Observe(r).Ready > 0).ToList();
        pass.Traffic = serving.Count == 0
            ? TrafficPlan.Weighted((stable, 100))
            : TrafficPlan.Weighted([.. serving.Append(stable).Select(r => (r, pass.Observe(r).Ready))]);
    }

    /// <summary>The preRollout hooks, in order: true once all have succeeded; a failed one aborts the rollout.</summary>
    private static bool PreRollout(RolloutPass pass, int updated)
    {
        var hooks = Of(pass, HookType.PreRollout);
        for (var i = 0; i < hooks.Count; i++)
        {
            var hook = hooks[i];
            var state = Request(pass, HookType.PreRollout, hook, updated);
            switch (state?.Phase)
            {
                case HookPhase.Succeeded:
                    continue;
                case HookPhase.Failed or HookPhase.Cancelled:
                    pass.Abort(updated, Reasons.HookFailed, $"{Failure(HookType.PreRollout, hook, state)}; nothing of revision {updated} started");
                    return false;
                default:
                    var which = hooks.Count == 1 ? "" : $" ({i + 1} of {hooks.Count})";
                    var attempt = state is { Attempts: > 1 } ? $", attempt {state.Attempts} of {hook.Retries + 1}" : "";
                    pass.Status = pass.Status with
                    {
                        Phase = RolloutPhase.Progressing,
                        Reason = Reasons.HookRunning,
                        Message = $"waiting for preRollout hook {hook.Name}{which}{attempt} before revision {updated} starts",
                    };
                    return false;
            }
        }

        pass.Events.Add(new RolloutEvent(updated, Reasons.HookSucceeded, $"preRollout {(hooks.Count == 1 ? "hook" : "hooks")} {string.Join(", ", hooks.Select(h => h.Name))} succeeded; revision {updated} starts"));
        pass.Status = Restarted(pass, pass.Status with { PreRolloutDone = true, Phase = RolloutPhase.Progressing, Reason = null, Message = null });
        return true;
    }

    /// <summary>
    /// A confirm gate: confirmed by a human's promote (or a full promotion, which skips every gate), or once every hook
    /// of <paramref name="type"/> has said yes, one after the other; otherwise paused, waiting for them.
    /// </summary>
    private static bool Confirm(RolloutPass pass, HookType type, int updated, string what)
    {
        var status = pass.Status;
        var name = HookNames.Of(type);
        if (status.PromoteFull || (status.PromoteRequested && status.Phase == RolloutPhase.Paused))
        {
            if (!status.PromoteFull)
            {
                pass.Events.Add(new RolloutEvent(updated, Reasons.Confirmed, $"{what} confirmed by hand (promote) instead of by its {name} hooks"));
            }

            // Before the first step, the promote is used up here: it must not also end the first pause step.
            pass.Status = Restarted(pass, Confirmed(status, type) with { PromoteRequested = type != HookType.ConfirmRollout && status.PromoteRequested });
            return true;
        }

        var hooks = Of(pass, type);
        foreach (var hook in hooks)
        {
            if (Request(pass, type, hook, updated) is { Phase: HookPhase.Succeeded })
            {
                continue;
            }

            var message = $"waiting for {name} hook {hook.Name} to confirm {what} (asked every {(int)HookRun.ConfirmInterval.TotalSeconds}s); promote to confirm by hand";
            if (status.Phase != RolloutPhase.Paused || status.Reason != Reasons.WaitingForConfirmation)
            {
                pass.Events.Add(new RolloutEvent(updated, Reasons.WaitingForConfirmation, message));
            }

            pass.Status = status with { Phase = RolloutPhase.Paused, Reason = Reasons.WaitingForConfirmation, Message = message };
            return false;
        }

        pass.Events.Add(new RolloutEvent(updated, Reasons.Confirmed, $"{what} confirmed by {name} {(hooks.Count == 1 ? "hook" : "hooks")} {string.Join(", ", hooks.Select(h => h.Name))}"));
        pass.Status = Restarted(pass, Confirmed(status, type) with { Phase = RolloutPhase.Progressing, Reason = null, Message = null });
        return true;
    }

    /// <summary>
    /// The progress deadline counts again from now once a gate lets the rollout through, as after a resume: the time
    /// spent waiting for a hook (a migration, a confirmation) is no lack of progress of the rollout.
    /// </summary>
    private static RolloutStatus Restarted(RolloutPass pass, RolloutStatus status) =>
        status with { Progress = status.Progress is { } progress ? progress with { Since = pass.Now } : null };

    private static RolloutStatus Confirmed(RolloutStatus status, HookType type) => type == HookType.ConfirmRollout
        ? status with { RolloutConfirmed = true }
        : status with { PromotionConfirmed = true };

    /// <summary>Asks for the run of <paramref name="hook"/> in this rollout; its latest state, null until the runner has it.</summary>
    private static HookRunState? Request(RolloutPass pass, HookType type, HookSpec hook, int revision)
    {
        var key = new HookRunKey(type, hook.Name, revision, pass.Status.StartedAt ?? DateTimeOffset.MinValue);
        pass.Hooks.Add(new HookRunRequest(key, hook));
        return pass.Context.Hooks.FirstOrDefault(h => h.Key == key);
    }

    /// <summary>"preRollout hook migrate failed after 3 attempts: exit code 1; last output: …".</summary>
    private static string Failure(HookType type, HookSpec hook, HookRunState state)
    {
        var attempts = state.Attempts == 1 ? "1 attempt" : $"{state.Attempts} attempts";
        return state.Phase == HookPhase.Cancelled
            ? $"{HookNames.Of(type)} hook {hook.Name} was cancelled after {attempts}{(state.Message is { } m ? $": {m}" : "")}"
            : $"{HookNames.Of(type)} hook {hook.Name} failed after {attempts}: {state.Message ?? "no message"}";
    }

    private static bool Has(RolloutPass pass, HookType type) => pass.Spec.Hooks.Any(h => h.Type == type);

    private static List<HookSpec> Of(RolloutPass pass, HookType type) => [.. pass.Spec.Hooks.Where(h => h.Type == type)];
}
