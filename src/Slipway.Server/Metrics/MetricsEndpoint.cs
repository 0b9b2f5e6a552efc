using Microsoft.AspNetCore.Http;

namespace Slipway.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the control plane's metrics in the Prometheus text format. On the API listener, behind the API's
/// guard like every call but <c>/healthz</c> — the token is required (Prometheus sends it from a credentials file, see
/// docs/metrics.md): app names and call rates are not for anyone who can reach the port.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static async Task ServeAsync(HttpContext context, ControlPlaneMetrics metrics, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metrics);
        context.Response.ContentType = ControlPlaneMetrics.ContentType;
        await metrics.ExportAsync(context.Response.Body, ct);
    }
}
