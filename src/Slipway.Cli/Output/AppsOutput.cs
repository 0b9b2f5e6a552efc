using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>get apps</c> in every output format. Text: APP, PHASE, STABLE, CANARY, READY (ready instances of the stable
/// revision / replicas), AGE; ENV first with <c>-A</c>. Wide adds STRATEGY, STEP (of a canary in progress),
/// WEIGHTS (stable/canary percent), REVISIONS (how many the app has had) and URL. Name: <c>app/NAME</c>.
/// </summary>
internal static class AppsOutput
{
    /// <param name="environment">The environment listed; null when every environment is (<c>-A</c>).</param>
    public static ListOutput<AppSummary> Create(JsonNode document, IReadOnlyList<AppSummary> apps, string? environment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var columns = new List<Column<AppSummary>>();
        if (environment is null)
        {
            columns.Add(new("ENV", a => a.Environment));
        }

        columns.AddRange(
        [
            new("APP", a => a.App),
            new("PHASE", a => a.Phase),
            new("STABLE", a => Number(a.StableRevision)),
            new("CANARY", a => Number(a.CanaryRevision)),
            new("READY", a => $"{Number(a.Ready)}/{Number(a.Replicas)}"),
            new("AGE", a => Age.Format(a.CreatedAt, now)),
            new("STRATEGY", a => a.Strategy, WideOnly: true),
            new("STEP", Step, WideOnly: true),
            new("WEIGHTS", a => $"{Number(a.Weights.Stable)}/{Number(a.Weights.Canary)}", WideOnly: true),
            new("REVISIONS", a => Number(a.Revisions), WideOnly: true),
            new("URL", a => a.Url, WideOnly: true),
        ]);
        var sorted = apps.OrderBy(a => a.Environment, StringComparer.Ordinal).ThenBy(a => a.App, StringComparer.Ordinal).ToList();
        return new ListOutput<AppSummary>(
            document,
            sorted,
            columns,
            a => $"app/{a.App}",
            environment is null ? "No apps found." : $"No apps found in {environment}.");
    }

    /// <summary>The canary step being executed, as <c>status</c> shows it (3/5), or - when no canary is in progress.</summary>
    private static string Step(AppSummary a) =>
        a.TotalSteps > 0 && a.CanaryRevision is not null ? $"{Number(Math.Min(a.CurrentStepIndex + 1, a.TotalSteps))}/{Number(a.TotalSteps)}" : "-";

    private static string Number(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
