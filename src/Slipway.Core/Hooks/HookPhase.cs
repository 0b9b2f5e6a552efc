namespace Slipway.Core.Hooks;

/// <summary>Where a hook run stands, as <c>slipway hooks</c> and the status show it.</summary>
public enum HookPhase
{
    /// <summary>Stored, not started yet (runs are stored before they start, so a restarted server starts them).</summary>
    Pending,

    /// <summary>An attempt runs, or the run waits for its next attempt (a retry, a confirm gate asking again).</summary>
    Running,

    Succeeded,

    /// <summary>Every attempt failed (its retries included); the run's message says how the last one ended.</summary>
    Failed,

    /// <summary>
    /// Ended without an outcome: the rollout stopped waiting for it — a confirm gate a human promoted past, a rollout
    /// aborted or replaced while its gate waited, an app deleted.
    /// </summary>
    Cancelled,
}

/// <summary>How hook types and phases are written where users read them.</summary>
public static class HookNames
{
    /// <summary>The spec's name of a hook type: <c>preRollout</c>, <c>confirmPromotion</c> …</summary>
    public static string Of(HookType type) => type switch
    {
        HookType.PreRollout => "preRollout",
        HookType.ConfirmRollout => "confirmRollout",
        HookType.ConfirmPromotion => "confirmPromotion",
        HookType.PostPromotion => "postPromotion",
        HookType.OnAbort => "onAbort",
        _ => "event",
    };

    /// <summary>Every type, as the spec writes it, in the order a rollout meets them.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<HookType>().Select(Of)];

    /// <summary>A gate: the rollout waits until the hook succeeds (asked again every <see cref="HookRun.ConfirmInterval"/>) or a human promotes.</summary>
    public static bool IsConfirmation(HookType type) => type is HookType.ConfirmRollout or HookType.ConfirmPromotion;

    public static bool IsFinished(HookPhase phase) => phase is HookPhase.Succeeded or HookPhase.Failed or HookPhase.Cancelled;
}
