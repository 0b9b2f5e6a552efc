namespace Slipway.Core.Slo;

/// <summary>What <see cref="ErrorBudgetGate.Decide"/> says.</summary>
/// <param name="Allowed">The rollout may start.</param>
/// <param name="Burning">Why the budget blocks rollouts (see <see cref="ErrorBudgetGate.Burning"/>); null when it does not.</param>
/// <param name="OverrideEvent">The message of the event to record with the rollout when an override let it through; null otherwise.</param>
public sealed record ErrorBudgetDecision(bool Allowed, string? Burning, string? OverrideEvent)
{
    /// <summary>Nothing blocks the rollout.</summary>
    public static readonly ErrorBudgetDecision NotBlocked = new(true, null, null);

    public bool Overridden => OverrideEvent is not null;
}
