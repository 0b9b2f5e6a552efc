using System.Net.Http.Json;
using System.Text.Json;

namespace Slipway.Server.Routing;

/// <summary>Reads the router's admin endpoint: the table version it serves and its in-flight requests per instance.</summary>
internal sealed class RouterAdminClient(HttpClient http)
{
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

    /// <summary>The router's state, or null when it cannot be reached.</summary>
    public async Task<RouterState?> GetStateAsync(CancellationToken ct)
    {
        try
        {
            return await http.GetFromJsonAsync<RouterState>("/state", new JsonSerializerOptions(JsonSerializerDefaults.Web), ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return null;
        }
    }
}

internal sealed record RouterState(long ConfigVersion, Dictionary<string, int>? Inflight);
