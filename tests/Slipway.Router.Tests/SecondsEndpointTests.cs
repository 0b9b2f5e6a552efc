using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

/// <summary>
/// <c>GET /seconds</c> on the admin listener of a real router, on a fake clock: each revision's requests second by
/// second as Unix seconds, with errors and latency buckets; <c>after</c> gives only later seconds, so a reader that
/// asks after the last second it has never reads one twice; the current second and the one before are held back until
/// they can no longer change; filters; refused queries.
/// </summary>
public sealed class SecondsEndpointTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_second_with_requests_is_listed_once_its_counts_are_final_and_after_skips_those_already_read()
    {
        var time = new FakeTimeProvider(Start);
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(
            new RouterConfig(1, [
                new RouteConfig("web/prod", "web", "prod", "web.test", "/", [new BackendGroup("1", 100, [backend.Address])]),
                new RouteConfig("api/prod", "api", "prod", "api.test", "/", [new BackendGroup("1", 100, [backend.Address])]),
            ]),
            options => options with { AccessLogEnabled = false },
            time);
        var first = Start.ToUnixTimeSeconds();

        await SendAsync(router, "web.test", "/", 3);
        await SendAsync(router, "web.test", "/status?code=500", 1);
        await SendAsync(router, "api.test", "/", 1);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(Seconds(await ReadAsync(router, "?app=web&env=prod"))); // the second just ended may still change
        await SendAsync(router, "web.test", "/", 2);
        time.Advance(TimeSpan.FromSeconds(2));

        var read = await ReadAsync(router, "?app=web&env=prod");
        Assert.Equal(first + 1, read.GetProperty("through").GetInt64());
        Assert.Equal(first, read.GetProperty("from").GetInt64()); // the router started then: it knows nothing before
        var revision = Assert.Single(read.GetProperty("revisions").EnumerateArray());
        Assert.Equal(("web", "prod", "1"), (revision.GetProperty("app").GetString(), revision.GetProperty("environment").GetString(), revision.GetProperty("revision").GetString()));
        Assert.Equal([(first, 4L, 1L), (first + 1, 2L, 0L)], Seconds(read));
        Assert.Equal("[[0,64,4]]", revision.GetProperty("seconds")[0].GetProperty("latencyBuckets").GetRawText()); // no time passes on a fake clock

        Assert.Equal([(first + 1, 2L, 0L)], Seconds(await ReadAsync(router, $"?app=web&env=prod&after={first}")));
        Assert.Empty(Seconds(await ReadAsync(router, $"?app=web&env=prod&after={first + 1}")));
        Assert.Equal(2, (await ReadAsync(router, "")).GetProperty("revisions").GetArrayLength()); // every app without filters

        // Five minutes later the seconds have left the router's window: what it cannot tell about starts at "from".
        time.Advance(TimeSpan.FromMinutes(5));
        var late = await ReadAsync(router, $"?app=web&env=prod&after={first}");
        Assert.Empty(Seconds(late));
        Assert.Equal(late.GetProperty("through").GetInt64() - 299 + 2, late.GetProperty("from").GetInt64());
    }

    [Fact]
    public async Task Bad_queries_are_refused_with_a_reason()
    {
        await using var router = await RouterHarness.StartAsync(new RouterConfig(1, []));
        foreach (var (query, message) in new[]
        {
            ("?after=yesterday", "after: expected a Unix second (a whole number), got 'yesterday'"),
            ("?after=-1", "after: expected a Unix second (a whole number), got '-1'"),
            ("?window=60s", "unknown query parameter 'window': expected after, app or env"),
        })
        {
            using var response = await router.Admin.GetAsync("/seconds" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
    }

    private static List<(long Second, long Requests, long Errors)> Seconds(JsonElement read) =>
        [.. read.GetProperty("revisions").EnumerateArray().SelectMany(r => r.GetProperty("seconds").EnumerateArray())
            .Select(s => (s.GetProperty("second").GetInt64(), s.GetProperty("requests").GetInt64(), s.GetProperty("errors").GetInt64()))];

    private static async Task SendAsync(RouterHarness router, string host, string path, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;
            using var response = await router.Client.SendAsync(request);
        }
    }

    private static async Task<JsonElement> ReadAsync(RouterHarness router, string query)
    {
        using var response = await router.Admin.GetAsync("/seconds" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
