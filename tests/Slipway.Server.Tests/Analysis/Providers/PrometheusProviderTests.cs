using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Analysis;
using Slipway.Router;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Tests.Support;
using static Slipway.Server.Tests.Analysis.Providers.ProviderRequests;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>
/// The prometheus provider against a real Prometheus that scrapes a real router: revision 1 of app <c>web</c> served 40
/// requests, all 200; revision 2 served 40, every fourth a 500. Queries over what Prometheus scraped decide pass and
/// fail as an analysis would.
/// </summary>
public sealed class PrometheusProviderTests(PrometheusProviderTests.ScrapedRouter scraped) : IClassFixture<PrometheusProviderTests.ScrapedRouter>
{
    /// <summary>An error-rate query as a template would write it, for one revision: 5xx over all, 0 when there are no 5xx.</summary>
    private static string ErrorRate(int revision) =>
        $"""scalar((sum(slipway_router_requests_total{"{"}app="web",env="prod",revision="{revision}",code=~"5.."{"}"}) or vector(0)) / sum(slipway_router_requests_total{"{"}app="web",env="prod",revision="{revision}"{"}"}))""";

    private readonly HttpClient _http = scraped.Http;

    [Fact]
    public async Task An_error_rate_query_fails_the_revision_that_answers_500s_and_passes_the_one_that_does_not()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);
        MetricSpec ErrorRateMetric(int revision) => new("error-rate", Query(ErrorRate(revision))) { SuccessCondition = "result <= 0.05" };

        var bad = await MeasureAndDecideAsync(provider, ErrorRateMetric(2));
        var good = await MeasureAndDecideAsync(provider, ErrorRateMetric(1));

        Assert.Equal((AnalysisPhase.Failed, AnalysisValue.Of(0.25)), (bad.Phase, bad.Value));
        Assert.Equal((AnalysisPhase.Successful, AnalysisValue.Of(0.0)), (good.Phase, good.Value));
    }

    [Fact]
    public async Task A_failure_to_measure_is_an_error_never_a_pass()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);
        var metric = new MetricSpec("error-rate", Query("sum(")) { SuccessCondition = "result <= 0.05" };

        var measured = await MeasureAndDecideAsync(provider, metric);

        Assert.Equal(AnalysisPhase.Error, measured.Phase);
        Assert.Contains("bad_data", measured.Message);
    }

    [Fact]
    public async Task A_condition_reads_a_vector_by_index_and_length()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);
        var byCode = Query("""sort_desc(sum by (code) (slipway_router_requests_total{app="web"}))""");

        var passes = await MeasureAndDecideAsync(provider, new MetricSpec("codes", byCode) { SuccessCondition = "len(result) == 2 && result[1] / (result[0] + result[1]) <= 0.2" });
        var fails = await MeasureAndDecideAsync(provider, new MetricSpec("codes", byCode) { SuccessCondition = "result[1] / (result[0] + result[1]) <= 0.1" });

        Assert.Equal(AnalysisPhase.Successful, passes.Phase);
        Assert.Equal(AnalysisPhase.Failed, fails.Phase);
    }

    [Fact]
    public async Task A_vector_is_a_list_in_prometheus_order_that_indexes()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);

        var result = await provider.MeasureAsync(For(Query("""sort_desc(sum by (code) (slipway_router_requests_total{app="web"}))""")), CancellationToken.None);

        Assert.Equal([70.0, 10.0], Numbers(result)); // result[0] is the 200s, result[1] the 500s
        Assert.Equal("[70, 10]", result.Value!.ToString());
    }

    [Fact]
    public async Task A_vector_with_no_series_is_an_empty_list()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);

        var result = await provider.MeasureAsync(For(Query("""slipway_router_requests_total{app="nothing-by-this-name"}""")), CancellationToken.None);

        Assert.Empty(Numbers(result));
    }

    [Fact]
    public async Task NaN_and_infinities_are_numbers_and_a_string_is_a_string()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);

        // A rate over no requests: NaN, which a condition can test with isNaN().
        Assert.True(double.IsNaN(Number(await provider.MeasureAsync(For(Query("""scalar(sum(slipway_router_requests_total{app="nothing"}))""")), CancellationToken.None))));
        Assert.Equal(double.PositiveInfinity, Number(await provider.MeasureAsync(For(Query("scalar(vector(1) / 0)")), CancellationToken.None)));
        Assert.Equal(double.NegativeInfinity, Number(await provider.MeasureAsync(For(Query("scalar(vector(-1) / 0)")), CancellationToken.None)));
        var text = await provider.MeasureAsync(For(Query("\"canary\"")), CancellationToken.None);
        Assert.Equal(AnalysisValue.Of("canary"), text.Value);
    }

    [Fact]
    public async Task A_query_prometheus_cannot_parse_is_an_error_with_its_reason()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);

        var error = Error(await provider.MeasureAsync(For(Query("sum(slipway_router_requests_total")), CancellationToken.None));

        Assert.StartsWith($"Prometheus at {scraped.Prometheus.Address} refused the query (bad_data): ", error);
        Assert.Contains("parse error", error);
    }

    [Fact]
    public async Task A_range_vector_is_an_error_that_says_to_aggregate_it()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);

        var error = Error(await provider.MeasureAsync(For(Query("slipway_router_requests_total[1m]")), CancellationToken.None));

        Assert.Contains("range vector (matrix)", error);
        Assert.Contains("rate(x[5m])", error);
    }

    [Fact]
    public async Task An_address_where_nothing_listens_is_an_error_naming_it()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);
        var address = $"http://{LoopbackPorts.Dead()}";

        var error = Error(await provider.MeasureAsync(For(new PrometheusMetricProvider(address, "up", TimeSpan.FromSeconds(10))), CancellationToken.None));

        Assert.StartsWith($"cannot reach Prometheus at {address}: ", error);
    }

    [Fact]
    public async Task Credentials_in_the_address_are_never_shown()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);
        var address = LoopbackPorts.Dead();

        var error = Error(await provider.MeasureAsync(For(new PrometheusMetricProvider($"http://admin:s3cret@{address}", "up", TimeSpan.FromSeconds(10))), CancellationToken.None));
        var answered = await provider.MeasureAsync(For(Query(ErrorRate(2)) with { Address = scraped.Prometheus.Address.Replace("http://", "http://admin:s3cret@", StringComparison.Ordinal) }), CancellationToken.None);

        Assert.StartsWith($"cannot reach Prometheus at http://{address}: ", error);
        Assert.DoesNotContain("s3cret", error);
        Assert.Equal(0.25, Number(answered)); // sent as basic authentication, which this Prometheus does not ask for
    }

    [Fact]
    public async Task An_address_that_is_not_prometheus_is_an_error_saying_so()
    {
        var provider = new PrometheusProvider(_http, TimeProvider.System);
        var address = scraped.RouterAdmin; // answers HTTP, 404 to /api/v1/query

        var error = Error(await provider.MeasureAsync(For(new PrometheusMetricProvider(address, "up", TimeSpan.FromSeconds(10))), CancellationToken.None));

        Assert.StartsWith($"Prometheus at {address} answered 404 with ", error);
        Assert.EndsWith("not a Prometheus API answer: is the address a Prometheus server?", error);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_an_error_naming_the_address_and_the_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(); // accepts connections (the kernel does), never answers
        var address = $"http://{listener.LocalEndpoint}";
        var provider = new PrometheusProvider(_http, TimeProvider.System);

        var error = Error(await provider.MeasureAsync(For(new PrometheusMetricProvider(address, "up", TimeSpan.FromSeconds(1))), CancellationToken.None));

        Assert.Equal($"Prometheus at {address} did not answer within the timeout of 1s", error);
    }

    [Fact]
    public async Task The_dispatcher_sends_a_prometheus_metric_to_the_prometheus_provider()
    {
        var providers = MetricProviders.Create(Unused, Unused, _http, TimeProvider.System, NullLoggerFactory.Instance);

        Assert.Equal(0.25, Number(await providers.MeasureAsync(For(Query(ErrorRate(2))), CancellationToken.None)));
    }

    private PrometheusMetricProvider Query(string query) => new(scraped.Prometheus.Address, query, PrometheusMetricProvider.DefaultTimeout);

    private static IMetricProvider Unused => new FailingProvider();

    private sealed class FailingProvider : IMetricProvider
    {
        public Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct) => throw new InvalidOperationException("not this one");
    }

    /// <summary>
    /// A router serving app <c>web</c> from two backends — revision 1 always 200, revision 2 a 500 every fourth
    /// request — 40 requests sent to each, and a Prometheus that has scraped all 80.
    /// </summary>
    public sealed class ScrapedRouter : IAsyncLifetime
    {
        private readonly TemporaryDirectory _temp = new();
        private LoopbackApp? _good;
        private LoopbackApp? _bad;
        private RouterServer? _router;
        private PrometheusProcess? _prometheus;

        internal PrometheusProcess Prometheus => _prometheus!;

        /// <summary><c>http://127.0.0.1:PORT</c> of the router's admin listener.</summary>
        public string RouterAdmin { get; private set; } = "";

        /// <summary>The providers' client, shared as the server shares it.</summary>
        public HttpClient Http { get; } = MetricHttp.CreateClient();

        public async Task InitializeAsync()
        {
            _good = await LoopbackApp.StartAsync(context => context.Response.WriteAsync("good"));
            var served = 0;
            _bad = await LoopbackApp.StartAsync(context =>
            {
                context.Response.StatusCode = Interlocked.Increment(ref served) % 4 == 0 ? 500 : 200;
                return context.Response.WriteAsync("bad");
            });

            var table = _temp.Combine("routes.json");
            _router = new RouterServer(new RouterOptions(table, "127.0.0.1:0", "127.0.0.1:0"), NullLoggerFactory.Instance);
            var addresses = await _router.StartAsync(CancellationToken.None);
            RouterAdmin = $"http://{addresses.Admin.Authority}";
            _prometheus = await PrometheusProcess.StartAsync(addresses.Admin.Authority);

            using var client = new HttpClient { BaseAddress = addresses.Listen, Timeout = TimeSpan.FromSeconds(30) };
            using var admin = new HttpClient { BaseAddress = addresses.Admin, Timeout = TimeSpan.FromSeconds(30) };
            await ServeAsync(table, admin, client, version: 1, goodWeight: 100);
            await ServeAsync(table, admin, client, version: 2, goodWeight: 0);
            await Prometheus.WaitForAsync("""sum(slipway_router_requests_total{app="web"})""", 80);
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            if (_prometheus is not null)
            {
                await _prometheus.DisposeAsync();
            }

            if (_router is not null)
            {
                await _router.DisposeAsync();
            }

            if (_good is not null)
            {
                await _good.DisposeAsync();
            }

            if (_bad is not null)
            {
                await _bad.DisposeAsync();
            }

            _temp.Dispose();
        }

        /// <summary>Writes a table that sends everything to one revision, waits until the router serves it, and sends 40 requests.</summary>
        private async Task ServeAsync(string table, HttpClient admin, HttpClient client, int version, int goodWeight)
        {
            RouterConfigFile.Write(table, new RouterConfig(version, [
                new RouteConfig("web/prod", "web", "prod", null, "/", [
                    new BackendGroup("1", goodWeight, [_good!.Address]),
                    new BackendGroup("2", 100 - goodWeight, [_bad!.Address]),
                ]),
            ]));
            await Eventually.TrueAsync(async () => (await admin.GetStringAsync("/state")).Contains($"\"configVersion\":{version}", StringComparison.Ordinal), $"the router serves table {version}");
            for (var i = 0; i < 40; i++)
            {
                using var _ = await client.GetAsync("/");
            }
        }
    }
}
