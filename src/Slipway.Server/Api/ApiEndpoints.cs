using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Local.Logs;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>The HTTP API (JSON) that the CLI and scripts use; documented in docs/api.md.</summary>
internal static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerOptions options)
    {
        var routerUrl = $"http://{options.RouterListen}";
        app.MapGet("/healthz", () => Results.Text("ok"));

        var api = app.MapGroup("/api/v1");
        api.MapGet("/version", () => Json(BuildInfo.Server));
        api.MapPost("/validate", async (ApplyRequest request, ApplyService apply, CancellationToken ct) =>
            Outcome(await apply.ApplyAsync(request, dryRun: true, ct)));
        api.MapPost("/apply", async (ApplyRequest request, ApplyService apply, CancellationToken ct) =>
            Outcome(await apply.ApplyAsync(request, dryRun: false, ct)));

        api.MapGet("/apps", async (IStore store, Reconciler reconciler, ITarget target, CancellationToken ct) =>
        {
            var summaries = new List<AppSummary>();
            var instances = target.Instances;
            foreach (var record in await store.ListAppsAsync(ct))
            {
                var status = await store.GetStatusAsync(record.App, record.Environment, ct);
                summaries.Add(StatusViews.Summarize(StatusViews.Build(record, status, reconciler.View(record.App, record.Environment), instances, routerUrl)));
            }

            return Json(summaries);
        });

        api.MapGet("/apps/{app}/{env}", async (string app, string env, IStore store, Reconciler reconciler, ITarget target, CancellationToken ct) =>
        {
            var record = await store.GetAppAsync(app, env, ct);
            if (record is null)
            {
                return NotFound(app, env);
            }

            var status = await store.GetStatusAsync(app, env, ct);
            return Json(StatusViews.Build(record, status, reconciler.View(app, env), target.Instances, routerUrl));
        });

        api.MapDelete("/apps/{app}/{env}", async (string app, string env, IStore store, ControlPlaneLock gate, ReconcileSignal signal, CancellationToken ct) =>
        {
            using (await gate.AcquireAsync(ct))
            {
                if (await store.GetAppAsync(app, env, ct) is null)
                {
                    return NotFound(app, env);
                }

                await store.DeleteAppAsync(app, env, ct);
            }

            signal.Notify();
            return Json(new { message = $"app {app} deleted from environment {env}; its instances are being stopped" });
        });

        api.MapPost("/apps/{app}/{env}/rollout/{command}", async (HttpRequest request, string app, string env, string command, RolloutService rollouts, CancellationToken ct) =>
        {
            if (request.QueryString.HasValue)
            {
                return BadRequest($"rollout commands take their options in the JSON body (e.g. {{\"full\": true}}), not in the query string '{request.QueryString}'");
            }

            var (options, invalid) = await ApiBody.ReadAsync<RolloutCommandRequest>(request, ct);
            if (invalid is not null)
            {
                return invalid;
            }

            if (options!.Full && command != "promote")
            {
                return BadRequest($"'full' applies to promote only, not to {command}");
            }

            var refusal = command switch
            {
                "promote" => await rollouts.PromoteAsync(app, env, options.Full, ct),
                "abort" => await rollouts.AbortAsync(app, env, ct),
                "retry" => await rollouts.RetryAsync(app, env, ct),
                "undo" => await rollouts.UndoAsync(app, env, ct),
                "restart" => await rollouts.RestartAsync(app, env, ct),
                _ => new CommandRefusal($"unknown rollout command '{command}': expected promote, abort, retry, undo or restart", AppNotFound: false),
            };
            return refusal is null
                ? Json(new { message = $"{command}: done" })
                : Results.Json(new { error = refusal.Message }, SlipwayJson.Api, statusCode: refusal.AppNotFound ? 404 : 409);
        });

        api.MapGet("/apps/{app}/{env}/history", async (string app, string env, IStore store, CancellationToken ct) =>
        {
            if (await store.GetAppAsync(app, env, ct) is null)
            {
                return NotFound(app, env);
            }

            var revisions = await store.ListRevisionsAsync(app, env, ct);
            var events = await store.ListEventsAsync(app, env, 1000, ct);
            return Json(new HistoryView(
                revisions.Select(r => new RevisionHistory(r.Number, r.ChangeCause, r.CreatedAt, r.Template.Artifact.Digest, events.Where(e => e.Revision == r.Number).ToList())).ToList(),
                events));
        });

        api.MapGet("/apps/{app}/{env}/logs", async (HttpContext context, string app, string env, int? revision, int? tail, bool? follow, string? since, bool? timestamps, IStore store, LogReader logs, TimeProvider time, CancellationToken ct) =>
        {
            if (await store.GetAppAsync(app, env, ct) is null)
            {
                await NotFound(app, env).ExecuteAsync(context);
                return;
            }

            DateTimeOffset? from = null;
            if (since is not null && (from = LogSince.Parse(since, time.GetUtcNow())) is null)
            {
                await BadRequest($"since '{since}': {LogSince.Expected}").ExecuteAsync(context);
                return;
            }

            if (revision is { } wanted)
            {
                var numbers = (await store.ListRevisionsAsync(app, env, ct)).Select(r => r.Number).Order().ToList();
                if (!numbers.Contains(wanted))
                {
                    var known = numbers.Count == 0 ? "it has none yet" : "revisions: " + string.Join(", ", numbers);
                    await ApiErrors.Error(StatusCodes.Status404NotFound, $"{app} has no revision {wanted}; {known}").ExecuteAsync(context);
                    return;
                }
            }

            var query = new LogQuery(revision, follow == true, tail ?? 100) { Since = from, Times = timestamps == true };
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.StartAsync(ct);
            await foreach (var line in logs.ReadAsync(app, env, query, ct))
            {
                var stamp = line.Time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) + " " : "";
                await context.Response.WriteAsync($"[{line.InstanceId}] {stamp}{line.Text}\n", ct);
                await context.Response.Body.FlushAsync(ct);
            }
        });
    }

    private static IResult Outcome(ApplyOutcome outcome) =>
        outcome.Errors.Count > 0
            ? Results.Json(new { errors = outcome.Errors }, SlipwayJson.Api, statusCode: 422)
            : Json(new { applied = outcome.Applied });

    private static IResult BadRequest(string error) => ApiErrors.Error(StatusCodes.Status400BadRequest, error);

    private static IResult NotFound(string app, string env) =>
        Results.Json(new { error = $"app {app} has no environment {env}" }, SlipwayJson.Api, statusCode: 404);

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}

public sealed record HistoryView(IReadOnlyList<RevisionHistory> Revisions, IReadOnlyList<EventRecord> Events);

public sealed record RevisionHistory(int Number, string ChangeCause, DateTimeOffset CreatedAt, string? ArtifactDigest, IReadOnlyList<EventRecord> Events);
