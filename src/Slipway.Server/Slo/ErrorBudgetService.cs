using Slipway.Core.Slo;
using Slipway.Store;

namespace Slipway.Server.Slo;

/// <summary>
/// The error budgets of apps, as the rest of the server asks about them: the report <c>slipway slo</c> shows, the alert
/// line of <c>slipway status</c>, and the gate on new rollouts (<see cref="CheckAsync(string, string, ErrorBudgetOverride?, CancellationToken)"/>)
/// that apply, <c>rollout retry</c> and anything else that starts a rollout call.
/// </summary>
internal sealed class ErrorBudgetService(IStore store, SloRecorder recorder, SloMeasurer measurer)
{
    /// <summary>
    /// Whether a new rollout of the app×env may start (see <see cref="ErrorBudgetGate"/>): the router's latest seconds
    /// are recorded first, then every SLO of the spec the server holds is measured. An app×env the server does not hold,
    /// or without SLOs, is never blocked. When <paramref name="override"/> lets a blocked rollout through, the decision
    /// carries the event to save with the rollout (reason <see cref="Core.Rollouts.Reasons.ErrorBudgetOverridden"/>).
    /// </summary>
    public async Task<ErrorBudgetDecision> CheckAsync(string app, string environment, ErrorBudgetOverride? @override, CancellationToken ct) =>
        await store.GetAppAsync(app, environment, ct) is { } record ? await CheckAsync(record, @override, ct) : ErrorBudgetDecision.NotBlocked;

    /// <inheritdoc cref="CheckAsync(string, string, ErrorBudgetOverride?, CancellationToken)"/>
    public async Task<ErrorBudgetDecision> CheckAsync(AppRecord app, ErrorBudgetOverride? @override, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Spec.Slos.Count == 0 || !app.Spec.ErrorBudgetPolicy.BlockRollouts)
        {
            return ErrorBudgetDecision.NotBlocked;
        }

        return ErrorBudgetGate.Decide(await ReportAsync(app, record: true, ct), @override);
    }

    /// <summary>
    /// Every SLO of the app×env evaluated now. With <paramref name="record"/>, the router's latest seconds are stored
    /// first (a read, and a write when there was traffic); without, what the recorder stored last (at most a few seconds old).
    /// </summary>
    public async Task<ErrorBudgetReport> ReportAsync(AppRecord app, bool record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (record)
        {
            await recorder.RecordAsync(app, ct);
        }

        var observations = await measurer.ObserveAsync(app, ct);
        return SloEvaluator.Evaluate(app.App, app.Environment, app.Spec.ErrorBudgetPolicy, observations);
    }

    /// <summary>
    /// The line <c>slipway status</c> shows while an alert fires: why, and whether new rollouts are refused; null when
    /// none fires. From what is recorded (a few seconds old) and for the SLOs the router measures only: a status never
    /// waits on Prometheus (<c>slipway slo</c> shows every SLO).
    /// </summary>
    public async Task<string?> StatusLineAsync(AppRecord app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var measured = app.Spec.Slos.Where(s => SloCounting.FromRouter(s.Indicator)).ToList();
        if (measured.Count == 0)
        {
            return null;
        }

        var report = await ReportAsync(app with { Spec = app.Spec with { Slos = measured } }, record: false, ct);
        return ErrorBudgetGate.Burning(report) is { } burning
            ? burning + (report.BlocksRollouts ? " New rollouts are refused until it slows down (or with --override-error-budget)." : " (errorBudgetPolicy.blockRollouts is false: rollouts still start.)")
            : null;
    }

    /// <summary>The SLO history of the app×env: how far each SLO's goes.</summary>
    public Task<IReadOnlyList<SloProgress>> ProgressAsync(AppRecord app, CancellationToken ct) =>
        store.ListSloProgressAsync(app.App, app.Environment, ct);
}
