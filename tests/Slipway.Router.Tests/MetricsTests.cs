using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_have_the_counters_with_their_labels_and_parse_as_prometheus_text()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        await using var router = await RouterHarness.StartAsync(new RouterConfig(7, [
            new RouteConfig("web/prod", "web", "prod", null, "/",
                [new BackendGroup("1", 50, [stable.Address]), new BackendGroup("2", 50, [canary.Address])]),
            new RouteConfig("odd", "we\"ird\\app", "prod", null, "/odd", [new BackendGroup("1", 100, [stable.Address])]),
        ]));

        for (var i = 0; i < 10; i++)
        {
            await router.Client.GetStringAsync("/");
        }

        await router.Client.GetStringAsync("/odd");
        var text = await router.MetricsAsync();
        var samples = Parse(text);

        Assert.Equal(5, samples["slipway_router_requests_total{app=\"web\",env=\"prod\",revision=\"1\",code=\"200\"}"]);
        Assert.Equal(5, samples["slipway_router_requests_total{app=\"web\",env=\"prod\",revision=\"2\",code=\"200\"}"]);
        Assert.Equal(1, samples["slipway_router_requests_total{app=\"we\\\"ird\\\\app\",env=\"prod\",revision=\"1\",code=\"200\"}"]);
        Assert.Equal(5, samples["slipway_router_request_duration_seconds_count{app=\"web\",env=\"prod\",revision=\"1\"}"]);
        Assert.Equal(5, samples["slipway_router_request_duration_seconds_bucket{app=\"web\",env=\"prod\",revision=\"1\",le=\"+Inf\"}"]);
        Assert.True(samples["slipway_router_request_duration_seconds_sum{app=\"web\",env=\"prod\",revision=\"1\"}"] > 0);
        Assert.Equal(0, samples["slipway_router_retries_total{app=\"web\",env=\"prod\"}"]);
        Assert.Equal(7, samples["slipway_router_config_version"]);
        Assert.Contains("# TYPE slipway_router_request_duration_seconds histogram", text);
        Assert.Contains("# TYPE slipway_router_mirrored_requests_total counter", text);

        // Buckets are cumulative and end with +Inf.
        var buckets = samples.Where(s => s.Key.StartsWith("slipway_router_request_duration_seconds_bucket{app=\"web\",env=\"prod\",revision=\"2\"", StringComparison.Ordinal))
            .Select(s => s.Value).ToList();
        Assert.Equal(14, buckets.Count);
        Assert.Equal(buckets.Order().ToList(), buckets);
    }

    /// <summary>
    /// A strict reader of the text format 0.0.4: every line is a HELP, a TYPE declared once before its samples, or a
    /// sample with well-formed labels and a number. Returns samples by their name and labels as written.
    /// </summary>
    private static Dictionary<string, double> Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var samples = new Dictionary<string, double>();
        var typed = new Dictionary<string, string>();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                Assert.Matches(HelpLine(), line);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var match = TypeLine().Match(line);
                Assert.True(match.Success, line);
                Assert.True(typed.TryAdd(match.Groups[1].Value, match.Groups[2].Value), $"TYPE declared twice: {line}");
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a sample: {line}");
            var name = sample.Groups["name"].Value;
            var family = typed.Keys.FirstOrDefault(f => name == f || name == f + "_bucket" || name == f + "_sum" || name == f + "_count");
            Assert.True(family is not null, $"sample before its TYPE: {line}");
            var value = sample.Groups["value"].Value;
            samples.Add(line[..line.LastIndexOf(' ')], value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture));
        }

        return samples;
    }

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\\\|\\"|\\n|[^"\\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\\\|\\"|\\n|[^"\\\n])*")*\})? (?<value>[-+]?([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?|Inf|NaN))$""")]
    private static partial Regex SampleLine();
}
