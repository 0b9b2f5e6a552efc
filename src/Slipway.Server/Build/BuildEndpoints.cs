using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Server.Build;

/// <summary>
/// The builds API (docs/api.md, "Builds"): <c>POST /api/v1/builds</c> builds, pushes and records an image, answering
/// its progress as NDJSON lines (<see cref="BuildEvents"/>) until it ends; <c>DELETE /api/v1/builds/{id}</c> cancels one.
/// </summary>
internal static class BuildEndpoints
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/builds", async (HttpContext context, BuildService builds, CancellationToken ct) =>
        {
            var (request, invalid) = await ApiBody.ReadAsync<BuildRequest>(context.Request, ct);
            if (invalid is not null)
            {
                await invalid.ExecuteAsync(context);
                return;
            }

            if (await builds.RefuseAsync(request!, ct) is var (status, error))
            {
                await ApiErrors.WriteAsync(context, status, error);
                return;
            }

            context.Response.ContentType = BuildEvents.MediaType;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.StartAsync(ct);

            // The build writes its events as they happen; this loop sends each as one line, flushed. The caller going
            // away (ct, the request aborted) cancels the build, which still ends its stream of events: they are read to
            // the end whatever happens to the connection, so that the build is never left waiting on a writer.
            var events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var run = builds.RunAsync(request!, events.Writer, ct);
            var connected = true;
            await foreach (var item in events.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (!connected)
                {
                    continue;
                }

                try
                {
                    await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(item, item.GetType(), SlipwayJson.Api), ct);
                    await context.Response.Body.WriteAsync(NewLine, ct);
                    await context.Response.Body.FlushAsync(ct);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
                {
                    connected = false; // gone: the build is being cancelled through ct
                }
            }

            await run;
        });

        api.MapDelete("/builds/{id}", (string id, BuildService builds) =>
            builds.Cancel(id)
                ? Results.Json(new { message = $"build {id} is being cancelled: nothing more is pushed" }, SlipwayJson.Api)
                : ApiErrors.Error(StatusCodes.Status404NotFound, $"no build {id} is running (it has ended, or never ran on this server)"));
    }
}
