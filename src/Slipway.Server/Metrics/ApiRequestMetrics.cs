using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Slipway.Server.Metrics;

/// <summary>
/// Times every API request into <c>slipway_api_request_duration_seconds{method,route,code}</c>. Runs first, outside the
/// API's guard, so refusals (401, 403, 415) and errors are measured too. The <c>route</c> label is the matched endpoint's
/// pattern (<c>/api/v1/apps/{app}/{env}</c>), never the path, and <c>method</c> is a known HTTP method or <c>OTHER</c>:
/// whatever a caller sends, the series stay as few as the routes, methods and codes the API has.
/// </summary>
internal sealed class ApiRequestMetrics(RequestDelegate next, ControlPlaneMetrics metrics, TimeProvider time)
{
    /// <summary>The <c>route</c> of a request no endpoint matched (a 404, or a 405 for a method the path does not take).</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The <c>method</c> of a request whose method is none of the standard ones.</summary>
    public const string OtherMethod = "OTHER";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetTimestamp();
        var threw = false;
        try
        {
            await next(context);
        }
        catch
        {
            threw = true;
            throw;
        }
        finally
        {
            // An exception leaving the pipeline before the response started becomes a 500 in Kestrel.
            var code = threw && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            metrics.ObserveApiRequest(Method(context.Request.Method), Route(context), code, time.GetElapsedTime(started));
        }
    }

    /// <summary>The pattern of the endpoint routing matched (routing runs before every middleware of a WebApplication).</summary>
    public static string Route(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } pattern } ? pattern : Unmatched;

    public static string Method(string method)
    {
        var canonical = HttpMethods.GetCanonicalizedValue(method);
        return HttpMethods.IsGet(canonical) || HttpMethods.IsHead(canonical) || HttpMethods.IsPost(canonical)
            || HttpMethods.IsPut(canonical) || HttpMethods.IsPatch(canonical) || HttpMethods.IsDelete(canonical)
            || HttpMethods.IsOptions(canonical) || HttpMethods.IsTrace(canonical) || HttpMethods.IsConnect(canonical)
            ? canonical
            : OtherMethod;
    }
}
