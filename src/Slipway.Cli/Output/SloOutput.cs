using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Core.Slo;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>slo APP</c> in every output format. Text: whether the error budget blocks new rollouts and why, then per SLO its
/// target and window, good over total, the budget left (a share and in requests), since when data is held, and a table
/// of its burn-rate alerts — the burn rate over each window, noting windows the data does not cover yet, the limit,
/// and which fire. Name: <c>slo/NAME</c> per SLO.
/// </summary>
internal sealed class SloOutput(JsonNode document, SloView view) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => view.Slos.Count == 0
        ? $"{view.App} has no SLOs in {view.Environment}: declare them under slos in its spec (docs/slo.md)"
        : null;

    public IEnumerable<string> Names() => view.Slos.Select(s => $"slo/{s.Name}");

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{view.App} ({view.Environment})  {Verdict()}");
        if (view.Message is { } message)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {message}");
        }

        foreach (var slo in view.Slos)
        {
            text.AppendLine();
            var indicator = slo.Threshold is { } threshold ? $"latency ≤ {threshold}" : slo.Indicator;
            text.AppendLine(CultureInfo.InvariantCulture, $"{slo.Name}  {indicator}  target {SloText.Objective(slo.Objective)} over {slo.Window}{(slo.Firing ? "  FIRING" : "")}");
            if (slo.Error is { } error)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  not measured: {error}");
                continue;
            }

            var covered = slo.Covered == slo.Window ? "" : $" (over {slo.Covered} of data)";
            text.AppendLine(CultureInfo.InvariantCulture, $"  good/total    {Count(slo.Good)}/{Count(slo.Total)}{covered}, {(slo.ErrorRatio * 100).ToString("0.###", CultureInfo.InvariantCulture)} % errors");
            text.AppendLine(CultureInfo.InvariantCulture, $"  budget left   {SloText.Share(slo.BudgetRemaining)} ({Count(slo.Total - slo.Good)} requests failed of {Count(slo.AllowedErrors)} allowed)");
            if (slo.DataSince is { } since)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  data since    {Timestamp.Format(since)}");
            }

            var table = TextTable.Render(
                ["ALERT", "LONG WINDOW", "SHORT WINDOW", "LIMIT"],
                slo.BurnRates.Select(b => (IReadOnlyList<string>)
                [
                    b.Firing ? "FIRING" : "ok",
                    Over(b.LongBurnRate, b.Long, b.LongCovered),
                    Over(b.ShortBurnRate, b.Short, b.ShortCovered),
                    SloText.Factor(b.Factor),
                ]));
            foreach (var line in table.TrimEnd().Split('\n'))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line}");
            }
        }

        return text.ToString();
    }

    private string Verdict() =>
        view.BlocksRollouts ? "error budget burning too fast: new rollouts are refused (--override-error-budget REASON to go through)"
        : view.Firing ? "error budget burning too fast (rollouts still start: errorBudgetPolicy.blockRollouts is false)"
        : "no burn-rate alert fires: rollouts start as usual";

    private static string Over(double burnRate, string window, string covered) =>
        $"{SloText.BurnRate(burnRate)} over {window}{(covered == window ? "" : $" ({covered} of data)")}";

    /// <summary>A count as a whole number when it is one (the router's), else with up to three decimals (a rate).</summary>
    private static string Count(double value) =>
        value.ToString(Math.Abs(value - Math.Round(value)) < 1e-9 ? "0" : "0.###", CultureInfo.InvariantCulture);
}
