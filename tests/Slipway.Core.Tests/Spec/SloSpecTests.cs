using Slipway.Core.Analysis;
using Slipway.Core.Slo;
using Slipway.Core.Spec.Diff;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// <c>slos</c> and <c>errorBudgetPolicy</c>: what a valid spec reads as (objectives as percentages or fractions,
/// windows in days, the workbook's alerts by default), and every mistake at once, each at its line and column with its
/// field path and what was expected.
/// </summary>
public sealed class SloSpecTests
{
    [Fact]
    public void Slos_read_with_their_indicators_objectives_windows_and_the_default_policy()
    {
        var spec = ParseOne(Minimal + """

              slos:
                - name: availability
                  availability: {}
                  objective: 99.9%
                - name: latency
                  latency: {threshold: 300ms}
                  objective: 0.99
                  window: 7d
                - name: checkout
                  prometheus:
                    good: sum(increase(http_requests_total{code!~"5.."}[{{window}}]))
                    total: sum(increase(http_requests_total{app="{{app}}"}[{{ window }}]))
                  objective: 99.95%
                  window: 1d12h
            """).Spec;

        Assert.Equal(
            [
                new SloSpec("availability", new AvailabilityIndicator(), 0.999, TimeSpan.FromDays(30)),
                new SloSpec("latency", new LatencyIndicator(TimeSpan.FromMilliseconds(300)), 0.99, TimeSpan.FromDays(7)),
                new SloSpec("checkout", new PrometheusIndicator("http://127.0.0.1:9090", "sum(increase(http_requests_total{code!~\"5..\"}[{{window}}]))", "sum(increase(http_requests_total{app=\"{{app}}\"}[{{ window }}]))"), 0.9995, TimeSpan.FromHours(36)),
            ],
            spec.Slos.Select(s => s with { Objective = Math.Round(s.Objective, 6) }));
        Assert.True(spec.ErrorBudgetPolicy.BlockRollouts);
        Assert.Equal(ErrorBudgetPolicy.Default.BurnRates, spec.ErrorBudgetPolicy.BurnRates);
    }

    [Fact]
    public void A_policy_reads_its_alerts_and_a_spec_without_slos_has_none()
    {
        var spec = ParseOne(Minimal + """

              slos: [{name: availability, availability: {}, objective: 0.999, window: 1h}]
              errorBudgetPolicy:
                blockRollouts: false
                burnRates:
                  - {long: 2m, short: 1m, factor: 14.4}
            """).Spec;

        Assert.False(spec.ErrorBudgetPolicy.BlockRollouts);
        Assert.Equal([new BurnRateAlert(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1), 14.4)], spec.ErrorBudgetPolicy.BurnRates);
        Assert.Empty(ParseOne(Minimal).Spec.Slos);
    }

    [Fact]
    public void Every_mistake_of_slos_and_their_policy_is_reported_at_once_at_its_position()
    {
        var errors = Errors(Minimal + """

              slos:
                - name: Availability
                  availability: {}
                  objective: 99.9
                - name: latency
                  latency: {treshold: 300ms}
                  objective: 100%
                  window: 2h30s
                - name: latency
                  availability: {}
                  latency: {threshold: 1m}
                  objective: high
                  window: 120d
                - name: nothing
                  objective: 0
                - name: queries
                  prometheus:
                    address: prometheus:9090
                    good: sum(rate(ok[5m]))
                    total: sum(rate(all[{{window}}])) / {{args.x}}
                  objective: 0.9
                  budget: 1
                -
              errorBudgetPolicy:
                blockRollouts: yes
                burnRates:
                  - {long: 5m, short: 1h, factor: 14.4}
                  - {long: 1h, short: 30s}
            """);

        Assert.Equal(
            [
                "apps/web.yaml:10:13: spec.slos[0].name: must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got 'Availability'",
                "apps/web.yaml:12:18: spec.slos[0].objective: must be a fraction below 1 (0.999) or a percentage ('99.9%'), got 99.9: did you mean '99.9%'?",
                "apps/web.yaml:14:7: spec.slos[1].latency.threshold: missing required field 'threshold'",
                "apps/web.yaml:14:17: spec.slos[1].latency.treshold: unknown field 'treshold' (did you mean 'threshold'?)",
                "apps/web.yaml:15:18: spec.slos[1].objective: must be below 100 %, got 100%: an objective of 100 % leaves no error budget, and every failed request would break it",
                "apps/web.yaml:16:15: spec.slos[1].window: must be a whole number of minutes (SLO data is kept per minute), got 2h30s",
                "apps/web.yaml:17:13: spec.slos[2].name: duplicate SLO name 'latency' (first set at line 13)",
                "apps/web.yaml:19:7: spec.slos[2]: must set only one of: availability, latency, prometheus; got 'availability' and 'latency'",
                "apps/web.yaml:19:28: spec.slos[2].latency.threshold: must be between 1ms and 30s, got 1m",
                "apps/web.yaml:20:18: spec.slos[2].objective: expected a percentage such as '99.9%' or a fraction such as 0.999, got string 'high'",
                "apps/web.yaml:21:15: spec.slos[2].window: must be between 1h and 90d, got 120d",
                "apps/web.yaml:22:7: spec.slos[3]: must set exactly one of: availability, latency, prometheus",
                "apps/web.yaml:23:18: spec.slos[3].objective: must be more than 0, got 0",
                "apps/web.yaml:26:18: spec.slos[4].prometheus.address: expected an http:// or https:// URL, got 'prometheus:9090'",
                "apps/web.yaml:27:15: spec.slos[4].prometheus.good: must use {{window}}, which is replaced by each window (5m, 1h, 30d), such as sum(increase(http_requests_total[{{window}}])): without it every window reads the same numbers",
                "apps/web.yaml:28:45: spec.slos[4].prometheus.total: unknown placeholder '{{args.x}}': expected {{window}}, {{app}} or {{environment}}",
                "apps/web.yaml:30:7: spec.slos[4].budget: unknown field 'budget' (expected one of: name, availability, latency, prometheus, objective, window)",
                "apps/web.yaml:31:6: spec.slos[5]: expected a mapping with name, an indicator (availability, latency or prometheus) and objective, got null",
                "apps/web.yaml:33:20: spec.errorBudgetPolicy.blockRollouts: expected a boolean (true or false), got string 'yes'",
                "apps/web.yaml:35:27: spec.errorBudgetPolicy.burnRates[0].short: must be shorter than long (5m): the short window tells that the budget still burns now",
                "apps/web.yaml:36:9: spec.errorBudgetPolicy.burnRates[1].factor: missing required field 'factor'",
                "apps/web.yaml:36:27: spec.errorBudgetPolicy.burnRates[1].short: must be between 1m and 90d, got 30s",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void A_policy_without_slos_and_an_empty_list_of_alerts_are_refused()
    {
        var errors = Errors(Minimal + """

              errorBudgetPolicy:
                burnRates: []
            """);

        Assert.Equal(
            [
                "apps/web.yaml:9:3: spec.errorBudgetPolicy: has no effect without slos: declare the SLOs whose budget it guards, or remove it",
                "apps/web.yaml:10:16: spec.errorBudgetPolicy.burnRates: must not be empty: with no alert nothing ever fires; leave burnRates out for the defaults, or set blockRollouts: false",
            ],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void An_alert_no_slo_can_reach_is_refused_it_would_never_fire()
    {
        var error = SingleError(Minimal + """

              slos: [{name: checkout, availability: {}, objective: 90%}]
              errorBudgetPolicy:
                burnRates: [{long: 1h, short: 5m, factor: 14.4}]
            """);

        Assert.Equal("apps/web.yaml:11:47: spec.errorBudgetPolicy.burnRates[0].factor: can never fire: with every request failing, SLO checkout (objective 90 %) burns its budget at 10× at most; choose a factor below that", error.ToString());
    }

    [Fact]
    public void An_slo_metric_reads_a_burn_rate_and_must_name_an_slo_of_the_app()
    {
        var manifest = ParseOne(Minimal + """

              slos: [{name: availability, availability: {}, objective: 99.9%}]
              strategy:
                canary:
                  analysis:
                    metrics:
                      - name: burn
                        interval: 5s
                        failureCondition: result > 14.4
                        provider: {slo: {name: availability, window: 5m}}
                      - name: typo
                        failureCondition: result > 6
                        provider: {slo: {name: availabilty}}
            """);

        var metrics = ((CanaryStrategy)manifest.Spec.Strategy).Analysis!.Analysis.Metrics;
        Assert.Equal(new SloMetricProvider("availability", TimeSpan.FromMinutes(5)), metrics[0].Provider);
        Assert.Equal(new SloMetricProvider("availabilty", SloMetricProvider.DefaultWindow), metrics[1].Provider);
        Assert.Equal(
            ["apps/web.yaml:20:36: spec.strategy.canary.analysis.metrics[1].provider.slo.name: no SLO named 'availabilty' in this app (did you mean 'availability'?): it declares: availability"],
            AnalysisResolver.Check(manifest, new Dictionary<string, AnalysisTemplate>()).Select(e => e.ToString()));
    }

    [Fact]
    public void The_canonical_form_shows_slos_and_their_policy_with_every_default()
    {
        var spec = ParseOne(Minimal + """

              slos: [{name: fast, latency: {threshold: 250ms}, objective: 99%, window: 7d}]
            """).Spec;

        var text = CanonicalSpec.Render("web", "dev", spec);

        Assert.Contains("""
              slos:
                - name: fast
                  latency:
                    threshold: 250ms
                  objective: 0.99
                  window: 7d
              errorBudgetPolicy:
                blockRollouts: true
                burnRates:
                  - long: 1h
                    short: 5m
                    factor: 14.4
                  - long: 6h
                    short: 30m
                    factor: 6
            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        Assert.DoesNotContain("slos", CanonicalSpec.Render("web", "dev", ParseOne(Minimal).Spec), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("1h", 60)]
    [InlineData("90m", 90)]
    [InlineData("1d12h", 36 * 60)]
    [InlineData("7d", 7 * 24 * 60)]
    public void Windows_are_written_in_days_or_as_durations(string written, int minutes)
    {
        Assert.True(Slipway.Core.Spec.Parsing.SloReader.TryParseWindow(written, out var window));
        Assert.Equal(TimeSpan.FromMinutes(minutes), window);
    }
}
