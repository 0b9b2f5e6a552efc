namespace Slipway.Core.Slo;

/// <summary>
/// Someone starting a rollout although the error budget burns too fast (<c>--override-error-budget REASON</c>): who
/// and why, recorded as an event on the app×env. <see cref="Actor"/> is self-reported (the API has one token, not
/// users), like a git commit's author.
/// </summary>
public sealed record ErrorBudgetOverride(string Reason, string Actor)
{
    /// <summary>The longest reason kept: a sentence or two, not a document.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>Why the override cannot be recorded (a reason or actor missing, a reason too long); null when it can.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(Reason) ? "overrideErrorBudget.reason must say why the error budget is overridden"
        : Reason.Length > MaxReasonLength ? $"overrideErrorBudget.reason is {Reason.Length} characters; at most {MaxReasonLength}"
        : string.IsNullOrWhiteSpace(Actor) ? "overrideErrorBudget.actor must say who overrides the error budget"
        : null;
}
