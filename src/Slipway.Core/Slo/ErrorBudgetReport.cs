namespace Slipway.Core.Slo;

/// <summary>The SLOs of one app×env, evaluated at one instant, and the policy that says what a fast burn blocks.</summary>
public sealed record ErrorBudgetReport(string App, string Environment, ErrorBudgetPolicy Policy, IReadOnlyList<SloReport> Slos)
{
    /// <summary>Some alert of some SLO fires.</summary>
    public bool Firing => Slos.Any(s => s.Firing);

    /// <summary>An alert fires and the policy blocks new rollouts while one does.</summary>
    public bool BlocksRollouts => Policy.BlockRollouts && Firing;
}
