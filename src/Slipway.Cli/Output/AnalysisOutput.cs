using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Core.Analysis;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>analysis APP</c> in every output format. Text: the built-in health check of the rollout in progress, then each
/// run, newest first — its kind, revision, phase and why — with a table of its metrics (phase, counts, condition) and,
/// under each metric, its latest measurements (time, phase, value, for a baseline both sides, requests, message).
/// Wide shows messages and job output whole. Name: <c>run/ID</c> per run.
/// </summary>
internal sealed class AnalysisOutput(JsonNode document, AnalysisView analysis) : IPrintable
{
    private const int ShortMessage = 100;

    public JsonNode Document => document;

    public string? EmptyMessage => analysis.Runs.Count == 0 && analysis.Health is null
        ? $"no analysis runs for {analysis.App} in {analysis.Environment}: nothing rolls out, and its rollouts had no analysis"
        : null;

    public IEnumerable<string> Names() => analysis.Runs.Select(r => $"run/{r.Id.ToString(CultureInfo.InvariantCulture)}");

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        if (analysis.Health is { } health)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"health (built in)  revision {health.Revision}  {health.Phase}  restarts {health.Restarts}  condition {health.Condition}");
        }

        foreach (var run in analysis.Runs)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"run {run.Id}  {Kind(run)} of revision {run.Revision}{(run.StableRevision is { } stable ? $" (stable {stable})" : "")}  {run.Phase}{(run.Terminated ? " (ended by the rollout)" : "")}{(run.Current ? "" : "  [earlier rollout]")}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  started {Timestamp.Format(run.StartedAt)}{(run.FinishedAt is { } finished ? $"  finished {Timestamp.Format(finished)}" : "")}");
            if (run.Message is { Length: > 0 } message && run.Phase is not ("Running" or "Pending"))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {Cut(message, wide)}");
            }

            foreach (var metric in run.Metrics)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  metric {metric.Name}  {metric.Provider}  {metric.Phase}{(metric.DryRun ? " (dryRun)" : "")}  measured {metric.Measured}: {metric.Successful} successful, {metric.Failed} failed, {metric.Inconclusive} inconclusive, {metric.Error} errors");
                if (Conditions(metric) is { Length: > 0 } conditions)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"    {conditions}");
                }

                if (metric.Measurements.Count > 0)
                {
                    var table = TextTable.Render(
                        ["TIME", "PHASE", "VALUE", "REQUESTS", "MESSAGE"],
                        metric.Measurements.Select(m => (IReadOnlyList<string>)
                        [
                            Timestamp.Format(m.FinishedAt),
                            m.Phase.ToString(),
                            Value(m),
                            m.SampleSize is { } n ? n.ToString(CultureInfo.InvariantCulture) : "-",
                            Cut(m.Message ?? "", wide),
                        ]));
                    foreach (var line in table.TrimEnd().Split('\n'))
                    {
                        text.AppendLine(CultureInfo.InvariantCulture, $"    {line}");
                    }
                }

                if (metric.Measurements.LastOrDefault()?.Output is { Length: > 0 } output)
                {
                    text.AppendLine("    output of the last measurement:");
                    foreach (var line in (wide ? output : Tail(output)).TrimEnd().Split('\n'))
                    {
                        text.AppendLine(CultureInfo.InvariantCulture, $"      {line}");
                    }
                }
            }
        }

        return text.ToString().TrimStart('\n');
    }

    private static string Kind(AnalysisRunView run) => run.Kind switch
    {
        "step" => $"step {run.Step + 1} analysis",
        "background" => run.Attempt > 0 ? $"background analysis (attempt {run.Attempt + 1})" : "background analysis",
        "prePromotion" => "pre-promotion analysis",
        _ => "post-promotion analysis",
    };

    private static string Conditions(MetricView metric) => string.Join("  ", new[]
    {
        metric.SuccessCondition is { } s ? $"successCondition: {s}" : null,
        metric.FailureCondition is { } f ? $"failureCondition: {f}" : null,
        metric.Interval is { } i ? $"interval {i}" : null,
        metric.Count is { } c ? $"count {c}" : null,
        metric.FailureLimit > 0 ? $"failureLimit {metric.FailureLimit}" : null,
    }.OfType<string>());

    /// <summary>The value, and for a baseline comparison both sides: <c>0.2 (stable 0.01)</c>.</summary>
    private static string Value(Measurement m) =>
        m.Value is null ? "-" : m.Stable is { } stable and not NullValue ? $"{m.Value} (stable {stable})" : m.Value.ToString();

    private static string Cut(string text, bool wide)
    {
        var line = text.ReplaceLineEndings(" ");
        return wide || line.Length <= ShortMessage ? line : line[..(ShortMessage - 1)] + "…";
    }

    /// <summary>The last 10 lines: where a failing smoke test says why.</summary>
    private static string Tail(string output)
    {
        var lines = output.TrimEnd().Split('\n');
        return lines.Length <= 10 ? output : "…\n" + string.Join('\n', lines[^10..]);
    }
}
