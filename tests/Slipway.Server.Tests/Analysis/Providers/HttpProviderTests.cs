using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Slipway.Core.Analysis;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Tests.Support;
using static Slipway.Server.Tests.Analysis.Providers.ProviderRequests;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>The http provider against a real Kestrel server on loopback that answers JSON, errors, text, and slowly.</summary>
public sealed class HttpProviderTests : IAsyncLifetime
{
    private const string Health = """
        {"status": "green", "data": {"ok": true, "rate": 0.02, "count": 42, "items": [{"value": 1.5}, {"value": 2}], "odd.name": 7, "nothing": null}}
        """;

    private readonly HttpClient _http = MetricHttp.CreateClient();
    private LoopbackApp _app = null!;

    public async Task InitializeAsync() => _app = await LoopbackApp.StartAsync(HandleAsync);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("{$.data.ok}", "true")] // Argo's form
    [InlineData("$.data.ok", "true")]
    [InlineData("{.data.count}", "42")] // kubectl's form
    [InlineData("$.data.rate", "0.02")]
    [InlineData("$.data.items[0].value", "1.5")]
    [InlineData("$.data.items[-1].value", "2")]
    [InlineData("$.data['odd.name']", "7")]
    [InlineData("$['data'][\"items\"][1]['value']", "2")]
    [InlineData("data.count", "42")]
    [InlineData("$.status", "\"green\"")]
    [InlineData("$.data.nothing", "null")]
    public async Task The_result_is_the_value_at_the_json_path(string path, string expected)
    {
        var result = await MeasureAsync(Get("/health", path));

        Assert.Null(result.Error);
        Assert.Equal(expected, result.Value!.ToString());
    }

    [Fact]
    public async Task The_value_read_passes_or_fails_the_metrics_condition()
    {
        var provider = new HttpProvider(_http, TimeProvider.System);

        var ok = await MeasureAndDecideAsync(provider, new MetricSpec("ok", Get("/health", "{$.data.ok}")) { SuccessCondition = "result == true" });
        var rate = await MeasureAndDecideAsync(provider, new MetricSpec("rate", Get("/health", "$.data.rate")) { SuccessCondition = "result < 0.01" });
        var failing = await MeasureAndDecideAsync(provider, new MetricSpec("down", Get("/fail", "$.ok")) { SuccessCondition = "result == true" });

        Assert.Equal(AnalysisPhase.Successful, ok.Phase);
        Assert.Equal((AnalysisPhase.Failed, AnalysisValue.Of(0.02)), (rate.Phase, rate.Value));
        Assert.Equal(AnalysisPhase.Error, failing.Phase); // a 500 is an error, never a pass
    }

    [Fact]
    public async Task An_object_is_its_json_text()
    {
        Assert.Equal(AnalysisValue.Of("""{"value": 1.5}"""), (await MeasureAsync(Get("/health", "$.data.items[0]"))).Value);
    }

    [Fact]
    public async Task Numbers_and_booleans_are_values_conditions_compare()
    {
        Assert.Equal(AnalysisValue.Of(0.02), (await MeasureAsync(Get("/health", "$.data.rate"))).Value);
        Assert.Equal(AnalysisValue.Of(true), (await MeasureAsync(Get("/health", "$.data.ok"))).Value);
        Assert.Equal([1.5, 2.0], Numbers(await MeasureAsync(Get("/values", "$"))));
    }

    [Fact]
    public async Task Without_a_path_the_result_is_the_whole_document()
    {
        Assert.Equal([1.5, 2.0], Numbers(await MeasureAsync(Get("/values", null))));
        Assert.Equal(AnalysisValue.Of(0.5), (await MeasureAsync(Get("/number", null))).Value);
    }

    [Theory]
    [InlineData("$.data.missing", "$.data has no \"missing\" (it has \"ok\", \"rate\", \"count\", \"items\", \"odd.name\", \"nothing\")")]
    [InlineData("$.data.items[2].value", "$.data.items has 2 items: there is no [2]")]
    [InlineData("$.data.rate.value", "$.data.rate is a number, not an object: it has no \"value\"")]
    [InlineData("$.status[0]", "$.status is a string, not an array: it has no [0]")]
    [InlineData("$.data.items[0].value.x", "$.data.items[0].value is a number, not an object: it has no \"x\"")]
    public async Task A_path_that_finds_nothing_is_an_error_naming_the_missing_step(string path, string expected)
    {
        var error = Error(await MeasureAsync(Get("/health", path)));

        Assert.Equal($"GET {_app.Url("/health")} answered, but the jsonPath {path} found nothing: {expected}", error);
    }

    [Theory]
    [InlineData("$..ok", "position 1: recursive descent (..) selects many values; give the full path to one")]
    [InlineData("$.items[*].value", "position 7: [*] is not an index")]
    [InlineData("$.items[?(@.value > 1)]", "position 7: [?(@.value > 1)] is not an index")]
    [InlineData("{$.data.ok", "position 9: a path that starts with '{' must end with '}'")]
    [InlineData("$.data.", "position 7: a member name is missing")]
    public async Task A_path_to_many_values_is_an_error_before_any_request(string path, string expected)
    {
        var error = Error(await MeasureAsync(Get("/health", path)));

        Assert.StartsWith($"the jsonPath \"{path}\" is not a path to one value: {expected}", error);
        Assert.Equal(0, _requests);
    }

    [Fact]
    public async Task A_status_other_than_2xx_is_an_error_with_the_status_and_the_start_of_the_body()
    {
        var error = Error(await MeasureAsync(Get("/fail", "$.ok")));

        Assert.Equal($"GET {_app.Url("/fail")} answered 500 Internal Server Error: \"database down: {new string('x', 200 - 15)}…\"", error);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_an_error_showing_it()
    {
        var error = Error(await MeasureAsync(Get("/text", null)));

        Assert.Equal($"GET {_app.Url("/text")} answered 200 OK with a body that is not JSON: \"<html> ok </html>\"", error);
    }

    [Fact]
    public async Task An_endpoint_slower_than_the_timeout_is_an_error_naming_the_timeout()
    {
        var error = Error(await MeasureAsync(Get("/slow", null) with { Timeout = TimeSpan.FromSeconds(1) }));

        Assert.Equal($"GET {_app.Url("/slow")} did not answer within the timeout of 1s", error);
    }

    [Fact]
    public async Task A_url_where_nothing_listens_is_an_error_naming_it()
    {
        var url = $"http://{LoopbackPorts.Dead()}/health";

        var error = Error(await MeasureAsync(new HttpMetricProvider(url, "GET", [], null, null, HttpMetricProvider.DefaultTimeout)));

        Assert.StartsWith($"GET {url} failed: ", error);
    }

    [Fact]
    public async Task The_method_headers_and_body_are_sent_and_the_query_string_is_never_shown()
    {
        var echo = new HttpMetricProvider(_app.Url("/echo?token=s3cret"), "post", [new HttpHeaderSpec("X-Team", "payments")], """{"window": "5m"}""", null, HttpMetricProvider.DefaultTimeout);

        var result = await MeasureAsync(echo);

        Assert.Null(result.Error);
        using var sent = JsonDocument.Parse(Assert.IsType<StringValue>(result.Value).Value);
        Assert.Equal("POST", sent.RootElement.GetProperty("method").GetString());
        Assert.Equal("payments", sent.RootElement.GetProperty("team").GetString());
        Assert.Equal("application/json; charset=utf-8", sent.RootElement.GetProperty("contentType").GetString());
        Assert.Equal("""{"window": "5m"}""", sent.RootElement.GetProperty("body").GetString());

        var error = Error(await MeasureAsync(echo with { Url = _app.Url("/fail?token=s3cret") }));
        Assert.StartsWith($"POST {_app.Url("/fail")}?… answered 500", error);
        Assert.DoesNotContain("s3cret", error);
    }

    [Fact]
    public async Task Credentials_in_the_url_are_sent_as_basic_authentication_and_never_shown()
    {
        var url = $"http://alice:s3cret@{_app.Address}";
        var echo = new HttpMetricProvider(url + "/echo", "GET", [], null, "$.authorization", HttpMetricProvider.DefaultTimeout);

        Assert.Equal(AnalysisValue.Of("Basic " + Convert.ToBase64String("alice:s3cret"u8)), (await MeasureAsync(echo)).Value);

        var error = Error(await MeasureAsync(echo with { Url = url + "/fail" }));
        Assert.StartsWith($"GET {_app.Url("/fail")} answered 500", error);
        Assert.DoesNotContain("s3cret", error);
    }

    [Fact]
    public async Task A_content_type_header_replaces_the_default_one()
    {
        var echo = new HttpMetricProvider(_app.Url("/echo"), "PUT", [new HttpHeaderSpec("Content-Type", "text/plain")], "hello", "$.contentType", HttpMetricProvider.DefaultTimeout);

        Assert.Equal(AnalysisValue.Of("text/plain"), (await MeasureAsync(echo)).Value);
    }

    private int _requests;

    private HttpMetricProvider Get(string path, string? jsonPath) => new(_app.Url(path), "GET", [], null, jsonPath, HttpMetricProvider.DefaultTimeout);

    private Task<ProviderResult> MeasureAsync(HttpMetricProvider spec) =>
        new HttpProvider(_http, TimeProvider.System).MeasureAsync(For(spec), CancellationToken.None);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var response = context.Response;
        switch (context.Request.Path.Value)
        {
            case "/health":
                response.ContentType = "application/json";
                await response.WriteAsync(Health);
                return;
            case "/values":
                await response.WriteAsync("[1.5, 2]");
                return;
            case "/number":
                await response.WriteAsync("0.5");
                return;
            case "/fail":
                response.StatusCode = 500;
                await response.WriteAsync("database down:\n" + new string('x', 500));
                return;
            case "/text":
                response.ContentType = "text/html";
                await response.WriteAsync("<html>\n ok \n</html>");
                return;
            case "/slow":
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            case "/echo":
                var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                var echoed = new Dictionary<string, string?>
                {
                    ["method"] = context.Request.Method,
                    ["team"] = context.Request.Headers["X-Team"],
                    ["authorization"] = context.Request.Headers.Authorization,
                    ["contentType"] = context.Request.ContentType,
                    ["body"] = body,
                };
                await response.WriteAsJsonAsync(echoed);
                return;
            default:
                response.StatusCode = 404;
                return;
        }
    }
}
