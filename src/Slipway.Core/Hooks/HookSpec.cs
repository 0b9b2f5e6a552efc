using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Core.Hooks;

/// <summary>
/// A command or an HTTP call run at a moment of a rollout (<see cref="Type"/>), with Flagger's and Argo's vocabulary.
/// </summary>
/// <param name="Name">Unique among the app's hooks; a DNS label.</param>
/// <param name="Timeout">How long one attempt may take; a longer one is killed (a job) or cancelled (http) and fails.</param>
/// <param name="Retries">How many more attempts a failed one gets.</param>
public sealed record HookSpec(string Name, HookType Type, HookAction Action, TimeSpan Timeout, int Retries)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);
    public const int DefaultRetries = 0;

    /// <summary>
    /// Set on a hook whose effect a rollback cannot undo (a migration): once it has run for a revision, rolling back past
    /// that revision needs <c>--force</c>, and an automatic rollback says what it did not undo.
    /// </summary>
    public IrreversibleSpec? Irreversible { get; init; }
}

public enum HookType
{
    /// <summary>Before any instance of the new revision starts: a failure stops the rollout with nothing moved.</summary>
    PreRollout,

    /// <summary>A gate before the rollout starts: it waits until the hook succeeds, or a human promotes.</summary>
    ConfirmRollout,

    /// <summary>A gate before the final promotion (the canary's last step, the blue-green switch).</summary>
    ConfirmPromotion,

    /// <summary>After the new revision is stable (the contract step); a failure is reported, it cannot undo a promotion.</summary>
    PostPromotion,

    /// <summary>After a rollout is aborted and its traffic moved back.</summary>
    OnAbort,

    /// <summary>Every rollout event, as JSON.</summary>
    Event,
}

public abstract record HookAction;

/// <summary>
/// A command run in the new revision's artifact directory with the revision's env (secrets included) and
/// <see cref="Env"/>; exit code 0 succeeds. Its output is kept (the last 64 KiB) and shown, secret values redacted.
/// </summary>
public sealed record JobHookAction(string Command, IReadOnlyList<string> Args, IReadOnlyList<EnvVar> Env) : HookAction;

/// <summary>A request to <see cref="Url"/> carrying the rollout's moment as JSON (unless <see cref="Body"/>); a 2xx answer succeeds.</summary>
public sealed record HttpHookAction(string Url, string Method, IReadOnlyList<HttpHeaderSpec> Headers, string? Body) : HookAction;
