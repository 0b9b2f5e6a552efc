using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The documented, stable JSON of <c>slipway status APP -o json</c> (see docs/api.md): the live
/// rollout of one app×env. Fields are only added, never renamed or removed, within v1alpha1.
/// </summary>
public sealed record StatusView(
    string App,
    string Environment,
    string Strategy,
    string Phase,
    string? Reason,
    string? Message,
    int CurrentStepIndex,
    int TotalSteps,
    IReadOnlyList<StepView> Steps,
    int? StableRevision,
    int? CanaryRevision,
    int? PreviewRevision,
    int DesiredRevision,
    long Generation,
    long ObservedGeneration,
    WeightsView Weights,
    HeaderRoutePlan? HeaderRoute,
    int MirrorPercent,
    int Replicas,
    string Url,
    IReadOnlyList<RevisionView> Revisions,
    IReadOnlyList<RolloutCondition> Conditions,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? PauseStartedAt,
    DateTimeOffset? PauseEndsAt,
    string? Error,
    string? HealthError = null,
    HealthCheckView? HealthCheck = null,
    IReadOnlyList<AnalysisRunView>? Analysis = null,
    IReadOnlyList<IrreversibleChange>? IrreversibleChanges = null,
    IReadOnlyList<IrreversibleChange>? NotRolledBack = null,
    IReadOnlyList<HookRunView>? Hooks = null,
    string? ErrorBudget = null);

/// <summary>One canary step of the spec: its 0-based index, its kind (the spec's field name) and a short text.</summary>
public sealed record StepView(int Index, string Kind, string Text);

/// <summary>Share of main-route traffic (percent) for the stable and the canary (updated) revision.</summary>
public sealed record WeightsView(int Stable, int Canary);

/// <param name="Health">What the revision served recently; null when the router's numbers could not be read (the
/// status's <c>healthError</c> says why).</param>
public sealed record RevisionView(int Number, string Role, int Ready, int Desired, IReadOnlyList<InstanceView> Instances, RevisionHealth? Health = null);

public sealed record InstanceView(string Id, string Endpoint, string Phase, bool Ready, int Restarts, int Pid, string? LastExit);

internal static class StatusViews
{
    /// <param name="health">The router's numbers for this app×env, or why there are none; null when not asked for (a list).</param>
    /// <param name="analysis">The app×env's newest analysis runs; those of the current rollout are shown.</param>
    /// <param name="hooks">The app×env's newest hook runs and how to redact their output; what <see cref="HookViews.OfStatus"/> picks is shown.</param>
    /// <param name="errorBudget">Why the app×env burns its error budget too fast (<c>ErrorBudgetService.StatusLineAsync</c>); null when it does not.</param>
    public static StatusView Build(AppRecord app, RolloutStatus persisted, AppView? view, IReadOnlyList<TargetInstance> allInstances, string routerUrl,
        (RouterStats? Stats, string? Error)? health = null, IReadOnlyList<AnalysisRunRecord>? analysis = null,
        (IReadOnlyList<HookRunRecord> Runs, Func<string, string> Redact)? hooks = null, string? errorBudget = null)
    {
        // A view of a deleted app of the same name is not this app's.
        view = view?.AppUid == app.Uid ? view : null;
        var plan = view?.Plan;
        var status = plan?.Status ?? persisted;
        var steps = app.Spec.Strategy is CanaryStrategy canarySteps ? canarySteps.Steps : [];
        var instances = allInstances.Where(i => i.App == app.App && i.Environment == app.Environment && (i.AppUid is null || i.AppUid == app.Uid)).ToList();
        var replicas = plan?.Replicas ?? new Dictionary<int, int>();
        var canary = status.InProgress ? status.UpdatedRevision : null;
        var numbers = instances.Select(i => i.Revision).Concat(replicas.Where(r => r.Value > 0).Select(r => r.Key))
            .Concat(new[] { status.StableRevision }.OfType<int>())
            .Distinct().OrderByDescending(n => n);
        var revisions = numbers.Select(n =>
        {
            var mine = instances.Where(i => i.Revision == n).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
            return new RevisionView(
                n,
                n == canary ? (app.Spec.Strategy is CanaryStrategy ? "canary" : "updated") : n == status.StableRevision ? "stable" : n == status.PreviousStableRevision ? "previous" : "old",
                mine.Count(i => i.Ready),
                replicas.GetValueOrDefault(n),
                mine.Select(i => new InstanceView(i.Id, i.Endpoint, i.Phase, i.Ready, i.Restarts, i.Pid, i.LastExit)).ToList(),
                health?.Stats is { } stats ? RevisionHealth.Of(stats, n) : null);
        }).ToList();

        return new StatusView(
            app.App,
            app.Environment,
            StrategyName(app.Spec.Strategy),
            status.Phase.ToString(),
            status.Reason,
            status.Message,
            status.CurrentStepIndex,
            steps.Count,
            steps.Select((step, index) => new StepView(index, CanaryStepText.Kind(step), CanaryStepText.Describe(step))).ToList(),
            status.StableRevision,
            canary,
            plan?.Traffic.PreviewRevision,
            app.DesiredRevision,
            persisted.Generation,
            status.Generation,
            Weights(status, view),
            status.HeaderRoute,
            status.MirrorPercent,
            app.Spec.Replicas,
            Url(app.Spec.Route, routerUrl),
            revisions,
            status.Conditions,
            status.StartedAt,
            status.CompletedAt,
            status.PauseStartedAt,
            RolloutPlanner.PauseEndsAt(status, app.Spec),
            view?.Error,
            health?.Error,
            AnalysisViews.HealthOf(plan?.Health),
            analysis?.Where(r => r.Run.Key.RolloutStartedAt == status.StartedAt).Select(r => AnalysisViews.RunView(r, null, status)).ToList(),
            status.IrreversibleChanges,
            status.NotRolledBack(),
            hooks is { } h ? HookViews.OfStatus(status, h.Runs, h.Redact) : null,
            errorBudget);
    }

    public static string Url(RouteSpec route, string routerUrl)
    {
        var port = new Uri(routerUrl).Port;
        return $"http://{route.Host}{(port == 80 ? "" : $":{port}")}{route.PathPrefix}";
    }

    /// <summary>Shares as the router applies them: by weight, among revisions that have ready instances.</summary>
    private static WeightsView Weights(RolloutStatus status, AppView? view)
    {
        if (view?.Plan is not { } plan || status.StableRevision is not int stable)
        {
            return status.InProgress ? new WeightsView(100 - status.CanaryWeight, status.CanaryWeight) : new WeightsView(100, 0);
        }

        var serving = plan.Traffic.Main.Where(w => w.Weight > 0 && view.Observed.Any(i => i.Revision == w.Revision && i.Ready)).ToList();
        var total = serving.Sum(w => w.Weight);
        if (total == 0)
        {
            return new WeightsView(0, 0);
        }

        var stableShare = (int)Math.Round(100.0 * serving.Where(w => w.Revision == stable).Sum(w => w.Weight) / total);
        var canaryShare = status.InProgress ? (int)Math.Round(100.0 * serving.Where(w => w.Revision == status.UpdatedRevision).Sum(w => w.Weight) / total) : 0;
        return new WeightsView(stableShare, canaryShare);
    }

    private static string StrategyName(StrategySpec strategy) => strategy switch
    {
        RecreateStrategy => "recreate",
        RollingStrategy => "rolling",
        BlueGreenStrategy => "blueGreen",
        CanaryStrategy => "canary",
        _ => strategy.GetType().Name,
    };
}
