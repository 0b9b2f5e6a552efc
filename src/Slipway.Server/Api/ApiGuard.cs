using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Slipway.Server.Api;

/// <summary>
/// What every request passes before it reaches an endpoint: an API that can run any command must not be
/// reachable by a web page. In order, so that an unauthenticated caller learns nothing about the rest:
/// <list type="number">
/// <item>the Host header names this server (403 otherwise): defeats DNS rebinding;</item>
/// <item>no <c>Origin</c> header (403 otherwise): browsers send one, the CLI and scripts do not, so no page
/// is ever answered, and no CORS header is ever sent (a preflight gets this 403 too);</item>
/// <item>the token, <c>Authorization: Bearer …</c>, on every call but <c>GET /healthz</c> (401 otherwise);</item>
/// <item>a mutation (POST, PUT, PATCH, DELETE) carries <c>Content-Type: application/json</c> (415
/// otherwise): a form post or a <c>text/plain</c> body, what a page can send without a preflight, is refused.</item>
/// </list>
/// </summary>
internal sealed partial class ApiGuard(RequestDelegate next, ApiToken token, HostAllowList hosts, ILogger<ApiGuard> logger)
{
    public const string TokenHelp =
        "send 'Authorization: Bearer <token>'; the token is in the file api-token in the server's data directory " +
        "(slipway server --data), where the slipway CLI reads it (--data or $SLIPWAY_DATA), or give it to the CLI in $SLIPWAY_TOKEN";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!hosts.Allows(request.Host))
        {
            Log.RefusedHost(logger, request.Method, request.Path, request.Host.Value ?? "", context.Connection.RemoteIpAddress);
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                $"this server does not answer to the host '{request.Host.Host}': it answers to {string.Join(", ", hosts.Names.Order(StringComparer.Ordinal))} " +
                "(add names with slipway server --api-allowed-host)");
            return;
        }

        if (request.Headers.ContainsKey(HeaderNames.Origin))
        {
            Log.RefusedBrowser(logger, request.Method, request.Path, request.Headers.Origin.ToString(), context.Connection.RemoteIpAddress);
            await ApiErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                "requests from web pages are refused (they carry an Origin header): the API is for the slipway CLI and scripts");
            return;
        }

        if (!IsHealthCheck(request) && Presented(request) is var presented && (presented is null || !token.Matches(presented)))
        {
            Log.RefusedToken(logger, request.Method, request.Path, presented is null ? "no token" : "a wrong token", context.Connection.RemoteIpAddress);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiErrors.WriteAsync(context, StatusCodes.Status401Unauthorized,
                (presented is null ? "this call needs the API token: " : "the API token is wrong: ") + TokenHelp);
            return;
        }

        if (IsMutation(request.Method) && !IsJson(request.ContentType))
        {
            await ApiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                $"{request.Method} {request.Path} takes a JSON body with 'Content-Type: application/json' ({{}} when there is nothing to say), " +
                $"not '{request.ContentType ?? "no content type"}'");
            return;
        }

        await next(context);
    }

    private static bool IsHealthCheck(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.Equals("/healthz", StringComparison.Ordinal);

    private static bool IsMutation(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The bearer token of the request, or null when it has none (one Authorization header, scheme Bearer).</summary>
    private static string? Presented(HttpRequest request)
    {
        var values = request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } header)
        {
            return null;
        }

        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header[Scheme.Length..].Trim() is { Length: > 0 } presented
            ? presented
            : null;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: host '{Host}' is not allowed (DNS rebinding?)")]
        public static partial void RefusedHost(ILogger logger, string method, PathString path, string host, System.Net.IPAddress? remote);

        [LoggerMessage(2, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: sent by a web page (Origin {Origin})")]
        public static partial void RefusedBrowser(ILogger logger, string method, PathString path, string origin, System.Net.IPAddress? remote);

        [LoggerMessage(3, LogLevel.Warning, "Refused {Method} {Path} from {Remote}: {What}")]
        public static partial void RefusedToken(ILogger logger, string method, PathString path, string what, System.Net.IPAddress? remote);
    }
}
