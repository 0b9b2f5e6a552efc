using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Core.Analysis;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class AnalysisOutputTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 7, 46, 19, TimeSpan.Zero);

    private static string Text(Measurement measurement)
    {
        var metric = new MetricView("smoke", "job", "Running", null, false, null, null, "1s", null, 0, 0, 4, 1, 1, 0, 0, 0, [measurement]);
        var run = new AnalysisRunView(1, "background", 2, 1, 0, 0, true, "Running", null, true, At, null, false, [metric]);
        var view = new AnalysisView("web", "dev", null, [run]);

        // As the CLI reads it: through the API's JSON, where a side that is not there is null.
        var json = JsonSerializer.Serialize(view, SlipwayJson.Api);
        var read = JsonSerializer.Deserialize<AnalysisView>(json, SlipwayJson.Api)!;
        return new AnalysisOutput(JsonNode.Parse(json)!, read).Text(wide: false);
    }

    [Fact]
    public void A_measurement_without_a_baseline_shows_its_value_alone()
    {
        var text = Text(new Measurement("smoke", AnalysisPhase.Successful, At, At) { Value = AnalysisValue.Of(0), Message = "result 0: the job exited with 0" });
        Assert.Contains("Successful   0   ", text);
        Assert.DoesNotContain("stable", text.Split('\n').Single(l => l.Contains("Successful   0", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_baseline_measurement_shows_both_sides()
    {
        var text = Text(new Measurement("errors", AnalysisPhase.Failed, At, At) { Value = AnalysisValue.Of(0.2), Canary = AnalysisValue.Of(0.2), Stable = AnalysisValue.Of(0.01) });
        Assert.Contains("0.2 (stable 0.01)", text);
    }
}
