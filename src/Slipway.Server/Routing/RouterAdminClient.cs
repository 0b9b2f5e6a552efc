using System.Net.Http.Json;
using System.Text.Json;
using Slipway.Router.Metrics;

namespace Slipway.Server.Routing;

/// <summary>
/// Reads the router's admin endpoint: the table version it serves, its in-flight requests per instance, and what each
/// revision served recently.
/// </summary>
internal sealed class RouterAdminClient(HttpClient http, TimeProvider time)
{
    /// <summary>How long <c>slipway status</c> waits for the router's numbers before answering without them, and a
    /// router or judge measurement before it counts as an error: the router answers from memory in well under a
    /// millisecond, so a second means it is down or stuck.</summary>
    public static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(1);

    private static readonly JsonSerializerOptions StatsJson = new(JsonSerializerDefaults.Web) { Converters = { new LatencyBinJsonConverter() } };

    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/healthz", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Who answers on the admin address, from its <c>/state</c>: nobody (the connection is refused), a Slipway router
    /// with its pid and the absolute path of the table it serves, a router too old to say, or something else.
    /// </summary>
    public async Task<AdminResponder> IdentifyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/state", ct);
            if (!response.IsSuccessStatusCode)
            {
                return Other($"it answered {(int)response.StatusCode} {response.ReasonPhrase} to GET /state");
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("configVersion", out var version) || version.ValueKind != JsonValueKind.Number)
            {
                return Other("its answer to GET /state is not a Slipway router's");
            }

            return root.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number && pid.TryGetInt32(out var number)
                && root.TryGetProperty("configPath", out var path) && path.ValueKind == JsonValueKind.String
                ? new AdminResponder(AdminResponderKind.Router, number, path.GetString())
                : new AdminResponder(AdminResponderKind.UnidentifiedRouter);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return AdminResponder.Nobody;
        }
        catch (HttpRequestException e)
        {
            return Other($"it does not answer HTTP: {e.Message}");
        }
        catch (JsonException)
        {
            return Other("its answer to GET /state is not JSON");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return Other($"it did not answer GET /state within {http.Timeout.TotalSeconds:0.#} s");
        }

        static AdminResponder Other(string detail) => new(AdminResponderKind.Other, Detail: detail);
    }

    /// <summary>
    /// The router's state, or null when it cannot be reached; with the requests in flight to <paramref name="endpoint"/>
    /// only (none when null), so the answer stays small however many apps the router serves.
    /// </summary>
    public async Task<RouterState?> GetStateAsync(string? endpoint, CancellationToken ct)
    {
        try
        {
            return await http.GetFromJsonAsync<RouterState>($"/state?inflight={Uri.EscapeDataString(endpoint ?? "")}", new JsonSerializerOptions(JsonSerializerDefaults.Web), ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>
    /// What each revision of <paramref name="app"/>×<paramref name="environment"/> served in the last
    /// <paramref name="windowSeconds"/> seconds; null and why when the router does not answer within
    /// <see cref="StatsTimeout"/>, so a status request never waits on a router that is down or stuck.
    /// </summary>
    public Task<(RouterStats? Stats, string? Error)> GetStatsAsync(string app, string environment, int windowSeconds, CancellationToken ct) =>
        GetStatsAsync(app, environment, windowSeconds, withBuckets: false, ct);

    /// <summary>
    /// As <see cref="GetStatsAsync(string, string, int, CancellationToken)"/>; <paramref name="withBuckets"/> also
    /// reads each revision's latency distribution (<see cref="RouterRevisionStats.LatencyBuckets"/>), which the
    /// statistical judge compares, so that <see cref="RouterRevisionStats.Sample"/> has its latency bins. Live analysis
    /// reads through here too: the same one-second bound keeps a measurement from outlasting its interval.
    /// </summary>
    /// <param name="windowSeconds">1 to <see cref="StatsWindow.MaxSeconds"/>.</param>
    public async Task<(RouterStats? Stats, string? Error)> GetStatsAsync(string app, string environment, int windowSeconds, bool withBuckets, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowSeconds, StatsWindow.MaxSeconds);
        var where = $"the router's admin endpoint {http.BaseAddress?.Authority}";
        using var timeout = new CancellationTokenSource(StatsTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await http.GetAsync(
                $"/stats?window={windowSeconds}s&app={Uri.EscapeDataString(app)}&env={Uri.EscapeDataString(environment)}{(withBuckets ? "&buckets=true" : "")}",
                linked.Token);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return (null, $"{where} has no /stats: the running router predates this version of Slipway");
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{where} answered {(int)response.StatusCode} to /stats{await ReasonAsync(response, linked.Token)}");
            }

            var stats = await response.Content.ReadFromJsonAsync<RouterStats>(StatsJson, linked.Token);
            return stats is null ? (null, $"{where} answered /stats with no content") : (stats, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return (null, $"{where} did not answer within {StatsTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return (null, $"cannot reach {where}: {e.Message}");
        }
        catch (JsonException e)
        {
            return (null, $"{where} answered /stats with invalid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// What each revision of <paramref name="app"/>×<paramref name="environment"/> served, second by second, after
    /// <paramref name="after"/> (a Unix second; everything the router holds when null): what SLO recording reads. Null
    /// and why when the router does not answer within <see cref="StatsTimeout"/>.
    /// </summary>
    public async Task<(RouterSeconds? Seconds, string? Error)> GetSecondsAsync(string app, string environment, long? after, CancellationToken ct)
    {
        var where = $"the router's admin endpoint {http.BaseAddress?.Authority}";
        using var timeout = new CancellationTokenSource(StatsTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var query = $"/seconds?app={Uri.EscapeDataString(app)}&env={Uri.EscapeDataString(environment)}{(after is { } a ? $"&after={a.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}";
            using var response = await http.GetAsync(query, linked.Token);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return (null, $"{where} has no /seconds: the running router predates SLOs; `slipway down` and a new server start a current one");
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{where} answered {(int)response.StatusCode} to /seconds{await ReasonAsync(response, linked.Token)}");
            }

            var seconds = await response.Content.ReadFromJsonAsync<RouterSeconds>(StatsJson, linked.Token);
            return seconds is null ? (null, $"{where} answered /seconds with no content") : (seconds, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return (null, $"{where} did not answer within {StatsTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return (null, $"cannot reach {where}: {e.Message}");
        }
        catch (JsonException e)
        {
            return (null, $"{where} answered /seconds with invalid JSON: {e.Message}");
        }
    }

    /// <summary>The router's reason for refusing a query (<c>{"error": "…"}</c>), such as a router older than a
    /// parameter asked for; empty when the answer has none.</summary>
    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                ? $": {error.GetString()}"
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}

internal sealed record RouterState(long ConfigVersion, Dictionary<string, int>? Inflight);
