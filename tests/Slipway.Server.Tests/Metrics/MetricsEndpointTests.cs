using System.Net;
using System.Net.Http.Json;
using System.Text;
using Slipway.Core.Serialization;
using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> of a real server over HTTP on loopback: locked like the rest of the API, and once answered, a
/// valid Prometheus exposition that counts the store calls and times the API calls that were made.
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Metrics_without_the_token_is_401_and_shows_no_metric()
    {
        using var response = await _server.Http.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("api-token", body, StringComparison.Ordinal);
        Assert.DoesNotContain("slipway_", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_with_a_wrong_token_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _server.Token + "x");
        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task After_api_calls_the_exposition_counts_store_calls_and_times_requests_by_route_pattern()
    {
        await SendAsync(HttpMethod.Get, "/api/v1/version", HttpStatusCode.OK);
        await ApplyAsync("web");
        await SendAsync(HttpMethod.Get, "/api/v1/apps", HttpStatusCode.OK);
        await SendAsync(HttpMethod.Get, "/api/v1/apps/web/dev", HttpStatusCode.OK);
        await SendAsync(HttpMethod.Get, "/api/v1/apps/nowhere/dev", HttpStatusCode.NotFound);
        await SendAsync(HttpMethod.Get, "/api/v1/no-such-path/123", HttpStatusCode.NotFound);
        using (var refused = await _server.Http.GetAsync("/api/v1/apps"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var response = await _server.Http.SendAsync(_server.Authorized(HttpMethod.Get, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var samples = PrometheusText.Parse(text);

        // Store: the reads of the calls above (and of the reconciler) and the write of the apply.
        Assert.True(Value(samples, "slipway_store_operations_total", ("operation", "get_app"), ("kind", "read")) >= 2, text);
        Assert.True(Value(samples, "slipway_store_operations_total", ("operation", "list_apps"), ("kind", "read")) >= 1, text);
        Assert.True(Value(samples, "slipway_store_operations_total", ("operation", "save_apps"), ("kind", "write")) >= 1, text);
        Assert.Equal(0, Value(samples, "slipway_store_operations_total", ("operation", "delete_app"), ("kind", "write")));
        Assert.True(Value(samples, "slipway_store_operation_duration_seconds_count", ("operation", "get_app")) >= 2, text);

        // API: by route pattern and code, never the raw path.
        Assert.Equal(1, Value(samples, "slipway_api_request_duration_seconds_count", ("method", "GET"), ("route", "/api/v1/apps/{app}/{env}"), ("code", "200")));
        Assert.Equal(1, Value(samples, "slipway_api_request_duration_seconds_count", ("method", "GET"), ("route", "/api/v1/apps/{app}/{env}"), ("code", "404")));
        Assert.Equal(1, Value(samples, "slipway_api_request_duration_seconds_count", ("method", "POST"), ("route", "/api/v1/apply"), ("code", "200")));
        Assert.Equal(1, Value(samples, "slipway_api_request_duration_seconds_count", ("method", "GET"), ("route", "/api/v1/apps"), ("code", "401")));
        Assert.Equal(1, Value(samples, "slipway_api_request_duration_seconds_count", ("method", "GET"), ("route", "unmatched"), ("code", "404")));
        Assert.DoesNotContain(samples, s => s.Labels.TryGetValue("route", out var route) && (route.Contains("web", StringComparison.Ordinal) || route.Contains("nowhere", StringComparison.Ordinal) || route.Contains("no-such-path", StringComparison.Ordinal)));
        Assert.Contains(samples, s => s.Name == "slipway_api_request_duration_seconds_bucket" && s.Has("le", "0.0001"));
        Assert.Contains(samples, s => s.Name == "slipway_api_request_duration_seconds_bucket" && s.Has("le", "10"));

        // The queue, reconcile and router series exist before the new reconciler feeds them.
        Assert.Contains(samples, s => s.Name == "slipway_workqueue_depth");
        Assert.Contains(samples, s => s.Name == "slipway_router_table_publishes_total" && s.Has("result", "written"));
        Assert.Contains(samples, s => s.Name == "slipway_resyncs_total");

        // The process, for the benchmark.
        Assert.True(Value(samples, "process_resident_memory_bytes") > 10_000_000, text);
        Assert.True(Value(samples, "process_cpu_seconds_total") > 0, text);
    }

    [Fact]
    public async Task The_metrics_call_is_measured_on_the_next_scrape()
    {
        using (var first = await _server.Http.SendAsync(_server.Authorized(HttpMethod.Get, "/metrics")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await _server.Http.SendAsync(_server.Authorized(HttpMethod.Get, "/metrics"));
        var samples = PrometheusText.Parse(await second.Content.ReadAsStringAsync());

        Assert.Equal(1, Value(samples, "slipway_api_request_duration_seconds_count", ("method", "GET"), ("route", "/metrics"), ("code", "200")));
    }

    private async Task SendAsync(HttpMethod method, string path, HttpStatusCode expected)
    {
        using var response = await _server.Http.SendAsync(_server.Authorized(method, path));

        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Applies an app with no replicas: saved and reconciled, and no process to start.</summary>
    private async Task ApplyAsync(string app)
    {
        _server.Temp.WriteFile("artifact/app.dll", "code");
        var yaml = IdleAppSpec.Yaml(app);
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/apply");
        request.Content = JsonContent.Create(new ApplyRequest(_server.Temp.Combine($"{app}.yaml"), yaml, _server.Temp.Path), options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
    }

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels (it may have others).</summary>
    private static double Value(IReadOnlyList<PrometheusSample> samples, string name, params (string Label, string Value)[] labels)
    {
        var matching = samples.Where(s => s.Name == name && labels.All(l => s.Has(l.Label, l.Value))).ToList();
        Assert.True(matching.Count == 1, $"{matching.Count} samples of {name} with {string.Join(", ", labels)}");
        return matching[0].Value;
    }
}
