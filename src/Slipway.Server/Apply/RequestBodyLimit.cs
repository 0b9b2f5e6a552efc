using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;

namespace Slipway.Server.Apply;

/// <summary>
/// The largest request body the API reads, set on Kestrel explicitly rather than left to its 30 MB default, and a
/// clear 413 JSON error when a body is larger — instead of an empty 413, or a connection that breaks mid-upload.
/// </summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// 8 MiB: spec files of <see cref="SpecText.MaxRequestBytes"/> in all sent as JSON strings, where escaping can make
    /// a two-byte UTF-8 character six bytes (<c>\u00e9</c>), fit; the API takes no other large body.
    /// </summary>
    public const long MaxBytes = 8L * 1024 * 1024;

    public static void Configure(KestrelServerOptions kestrel) => kestrel.Limits.MaxRequestBodySize = MaxBytes;

    /// <summary>Answers 413 with a JSON error, before reading a body whose declared length is too large, or after Kestrel refused one that grew too large.</summary>
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentLength > MaxBytes)
        {
            await RefuseAsync(context);
            return;
        }

        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await RefuseAsync(context);
        }
    });

    private static Task RefuseAsync(HttpContext context)
    {
        var declared = context.Request.ContentLength is { } length ? $" ({SpecText.FormatBytes(length)})" : "";
        var error = string.Create(CultureInfo.InvariantCulture, $"the request body{declared} is larger than {SpecText.FormatBytes(MaxBytes)}, the most the API accepts; a spec file may be at most {SpecText.FormatBytes(SpecText.MaxBytes)}, and the files applied together {SpecText.FormatBytes(SpecText.MaxRequestBytes)}");
        return Results.Json(new { error }, SlipwayJson.Options, statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(context);
    }
}
