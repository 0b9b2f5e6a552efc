using Slipway.Core.Analysis;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Tests.Slo;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>
/// The <c>slo</c> provider against a real router: the burn rate of the canary's own requests against the app's SLO
/// (a canary failing 10 % against 99.9 % burns at 100×, whatever the stable revision does), with its requests as the
/// sample size; an SLO the app does not declare is an error that names those it does.
/// </summary>
public sealed class SloProviderTests
{
    [Fact]
    public async Task The_result_is_the_burn_rate_of_the_revision_under_analysis()
    {
        await using var h = await SloHarness.StartAsync(errorEvery: 2, canaryErrorEvery: 10);
        await h.Router.SendAsync(revision: 1, count: 20);
        await h.Router.SendAsync(revision: 2, count: 30);
        var provider = new SloProvider(h.Store, h.Router.AdminClient(), h.Measurer);

        var result = await provider.MeasureAsync(Request("availability"), CancellationToken.None);

        Assert.Equal(30, result.SampleSize);
        Assert.Equal(100, ((NumberValue)result.Value!).Value, precision: 6);
    }

    [Fact]
    public async Task An_slo_the_app_does_not_declare_is_an_error_naming_those_it_does()
    {
        await using var h = await SloHarness.StartAsync(errorEvery: 0);
        var provider = new SloProvider(h.Store, h.Router.AdminClient(), h.Measurer);

        var result = await provider.MeasureAsync(Request("latency"), CancellationToken.None);

        Assert.Equal("web has no SLO named 'latency' in prod: it declares availability", result.Error);
    }

    private static MeasureRequest Request(string slo) =>
        new(new MetricSpec("burn", new SloMetricProvider(slo, TimeSpan.FromSeconds(30))), new AnalysisTarget("web", "prod", 2, 1, null, null), SloHarness.Start, 1);
}
