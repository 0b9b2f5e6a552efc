using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

/// <summary><c>slipway slo</c>: whether rollouts are refused and why, each SLO's target, budget and alerts.</summary>
public sealed class SloOutputTests
{
    private static readonly SloView Burning = new(
        "web",
        "prod",
        BlockRollouts: true,
        Firing: true,
        BlocksRollouts: true,
        "web/prod is burning its error budget: SLO availability at 16.2× over 1h (over 12m of data) and 21.0× over 5m (limit 14.4×); the 30-day budget is spent (140 % of it used).",
        [
            new SloStatusView("availability", "availability", null, 0.999, "30d", new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), "12m",
                9_838, 10_000, 0.0162, -0.4, 10, -152, true,
                [
                    new BurnRateView("1h", "5m", 14.4, 16.2, 21, "12m", "5m", true),
                    new BurnRateView("6h", "30m", 6, 16.2, 16.2, "12m", "12m", false),
                ],
                null),
            new SloStatusView("checkout", "prometheus", null, 0.99, "7d", null, "7d", 0, 0, 0, 1, 0, 0, false, [], "over 7d, good: cannot reach Prometheus at http://prometheus:9090"),
        ]);

    [Fact]
    public void Text_says_rollouts_are_refused_and_shows_each_slos_budget_and_alerts()
    {
        Assert.Equal(
            """
            web (prod)  error budget burning too fast: new rollouts are refused (--override-error-budget REASON to go through)
              web/prod is burning its error budget: SLO availability at 16.2× over 1h (over 12m of data) and 21.0× over 5m (limit 14.4×); the 30-day budget is spent (140 % of it used).

            availability  availability  target 99.9 % over 30d  FIRING
              good/total    9838/10000 (over 12m of data), 1.62 % errors
              budget left   -40 % (162 requests failed of 10 allowed)
              data since    2026-11-25 09:00:00Z
              ALERT    LONG WINDOW                   SHORT WINDOW                   LIMIT
              FIRING   16.2× over 1h (12m of data)   21.0× over 5m                  14.4×
              ok       16.2× over 6h (12m of data)   16.2× over 30m (12m of data)   6×

            checkout  prometheus  target 99 % over 7d
              not measured: over 7d, good: cannot reach Prometheus at http://prometheus:9090

            """.ReplaceLineEndings("\n"),
            Printer.Render(OutputFormat.Text, new SloOutput(new JsonObject(), Burning)));
    }

    [Fact]
    public void Names_are_one_per_slo_and_an_app_without_slos_says_so()
    {
        Assert.Equal("slo/availability\nslo/checkout\n", Printer.Render(OutputFormat.Name, new SloOutput(new JsonObject(), Burning)));
        Assert.Equal(
            "web has no SLOs in prod: declare them under slos in its spec (docs/slo.md)",
            new SloOutput(new JsonObject(), Burning with { Slos = [] }).EmptyMessage);
    }
}
