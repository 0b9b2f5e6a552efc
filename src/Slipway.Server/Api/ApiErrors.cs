using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Slipway.Core.Serialization;

namespace Slipway.Server.Api;

/// <summary>
/// Every error of the API is <c>{"error": "…"}</c>, including those ASP.NET answers by itself (no such
/// path, a method the path does not take, a body that does not bind), which would otherwise be empty.
/// </summary>
internal sealed class ApiErrors(RequestDelegate next)
{
    /// <summary>
    /// Messages quote names with ' and &lt;: left as they are for people reading them with curl (the API never
    /// serves HTML and answers no browser, so the escaping meant for HTML pages protects nothing here).
    /// </summary>
    private static readonly JsonSerializerOptions Readable = new(SlipwayJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Error(int statusCode, string error) => Results.Json(new { error }, Readable, statusCode: statusCode);

    public static Task WriteAsync(HttpContext context, int statusCode, string error) => Error(statusCode, error).ExecuteAsync(context);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Thrown by body binding (RouteHandlerOptions.ThrowOnBadRequest) and by Kestrel (a body over the limit).
            await WriteAsync(context, e.StatusCode, e.InnerException is JsonException json
                ? $"the body is not what {context.Request.Method} {context.Request.Path} takes: {json.Message}"
                : e.Message);
            return;
        }

        if (context.Response.HasStarted || context.Response.StatusCode < 400)
        {
            return;
        }

        var request = context.Request;
        var error = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"no such API path: {request.Method} {request.Path} (see docs/api.md)",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}",
            var code => $"the request was refused ({code})",
        };
        await WriteAsync(context, context.Response.StatusCode, error);
    }
}
