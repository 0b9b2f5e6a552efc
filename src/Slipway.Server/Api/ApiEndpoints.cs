using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Slipway.Core.Analysis;
using Slipway.Core.Config;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Local.Logs;
using Slipway.Server.Apply;
using Slipway.Server.Config;
using Slipway.Server.Metrics;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;
using Slipway.Server.Slo;
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
        app.MapGet(MetricsEndpoint.Path, MetricsEndpoint.ServeAsync);

        var api = app.MapGroup("/api/v1");
        api.MapGet("/version", () => Json(BuildInfo.Server));
        SecretEndpoints.Map(api);
        ImagePolicyEndpoints.Map(api);
        RegistryEndpoints.Map(api);
        SigningKeyEndpoints.Map(api);
        ImageSignatureEndpoints.Map(api);
        Supply.SupplyEndpoints.Map(api);
        Build.BuildEndpoints.Map(api);
        api.MapPost("/validate", (HttpRequest request, ApplyService apply, CancellationToken ct) =>
            WithSpecFilesAsync(request, async files => Outcome(await apply.ApplyAsync(files, dryRun: true, ct)), ct));
        api.MapPost("/apply", (HttpRequest request, ApplyService apply, CancellationToken ct) =>
            WithSpecFilesAsync(request, async files => Outcome(await apply.ApplyAsync(files, dryRun: false, ct)), ct));
        api.MapPost("/diff", (HttpRequest request, ApplyService apply, CancellationToken ct) =>
            WithSpecFilesAsync(request, async files => Outcome(await apply.DiffAsync(files, ct)), ct));

        api.MapGet("/apps", async (HttpRequest request, IStore store, Reconciler reconciler, ITarget target, CancellationToken ct) =>
        {
            var (environment, refused) = AppListQuery.Read(request.Query);
            if (refused is not null)
            {
                return BadRequest(refused);
            }

            var summaries = new List<AppSummary>();
            foreach (var record in await store.ListAppsAsync(ct))
            {
                if (environment is not null && record.Environment != environment)
                {
                    continue;
                }

                var status = await store.GetStatusAsync(record.App, record.Environment, ct);
                var view = StatusViews.Build(record, status, reconciler.View(record.App, record.Environment), target.InstancesOf(new AppKey(record.App, record.Environment)), routerUrl);
                var revisions = (await store.ListRevisionsAsync(record.App, record.Environment, ct)).Count;
                summaries.Add(AppSummary.Of(view, revisions, record.CreatedAt));
            }

            return Json(summaries);
        });

        api.MapGet("/apps/{app}/{env}", async (string app, string env, string? window, IStore store, Reconciler reconciler, ITarget target, RouterAdminClient router, Secrets.ISecretLookup secrets, ErrorBudgetService errorBudget, CancellationToken ct) =>
        {
            if (!HealthWindow.TryParse(window, out var windowSeconds))
            {
                return BadRequest(HealthWindow.Expected(window!));
            }

            var record = await store.GetAppAsync(app, env, ct);
            if (record is null)
            {
                return await AppNotFound.AnswerAsync(store, app, env, ct);
            }

            var status = await store.GetStatusAsync(app, env, ct);
            var health = await router.GetStatsAsync(app, env, windowSeconds, ct);
            var analysis = await store.ListAnalysisRunsAsync(app, env, AnalysisViews.DefaultRuns, ct);
            var hooks = await store.ListHookRunsAsync(app, env, StoreOptions.DefaultHookRunsPerApp, ct);
            var burning = await errorBudget.StatusLineAsync(record, ct);
            return Json(StatusViews.Build(record, status, reconciler.View(app, env), target.InstancesOf(new AppKey(app, env)), routerUrl, health, analysis, (hooks, secrets.Redact), burning));
        });

        api.MapDelete("/apps/{app}/{env}", async (string app, string env, IStore store, ControlPlaneLock gate, WorkQueue queue, Housekeeping.Housekeeper housekeeper, CancellationToken ct) =>
        {
            using (await gate.AcquireAsync(new AppKey(app, env), ct))
            {
                if (await store.GetAppAsync(app, env, ct) is null)
                {
                    return await AppNotFound.AnswerAsync(store, app, env, ct);
                }

                await store.DeleteAppAsync(app, env, ct);
            }

            queue.Add(new AppKey(app, env));
            housekeeper.AppDeleted(app, env); // its logs, once its instances have stopped
            return Json(new { message = $"app {app} deleted from environment {env}; its instances are being stopped" });
        });

        api.MapPost("/apps/{app}/{env}/rollout/{command}", async (HttpRequest request, string app, string env, string command, RolloutService rollouts, IStore store, CancellationToken ct) =>
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

            if (options.ToRevision is int to && (command != "undo" || to < 1))
            {
                return BadRequest(command != "undo" ? $"'toRevision' applies to undo only, not to {command}" : $"'toRevision' {to}: expected a revision number, 1 or more");
            }

            if (options.ForceProblem(command) is { } forceProblem)
            {
                return BadRequest(forceProblem);
            }

            if (options.OverrideErrorBudget is { } budgetOverride && (command != "retry" || budgetOverride.Problem() is not null))
            {
                return BadRequest(budgetOverride.Problem() ?? $"'overrideErrorBudget' applies to retry only, not to {command} (undo and abort reduce risk: the error budget never blocks them)");
            }

            CommandReply reply = command switch
            {
                "promote" => await rollouts.PromoteAsync(app, env, options.Full, ct),
                "abort" => await rollouts.AbortAsync(app, env, ct),
                "retry" => await rollouts.RetryAsync(app, env, options.Override(), options.OverrideErrorBudget, ct),
                "undo" => await rollouts.UndoAsync(app, env, options.ToRevision, options.Override(), ct),
                "restart" => await rollouts.RestartAsync(app, env, ct),
                "pause" => await rollouts.PauseAsync(app, env, ct),
                "resume" => await rollouts.ResumeAsync(app, env, ct),
                _ => new CommandRefusal($"unknown rollout command '{command}': expected promote, abort, retry, undo, restart, pause or resume", AppNotFound: false),
            };
            return reply.Refusal is not { } refusal ? Json(new { message = reply.Message, warnings = reply.Warnings })
                : refusal.AppNotFound ? await AppNotFound.AnswerAsync(store, app, env, ct)
                : Results.Json(new { error = refusal.Message }, SlipwayJson.Api, statusCode: 409);
        });

        api.MapGet("/apps/{app}/{env}/analysis", async (string app, string env, int? runs, int? measurements, IStore store, Reconciler reconciler, CancellationToken ct) =>
        {
            if (runs is < 1 or > StoreOptions.DefaultAnalysisRunsPerApp)
            {
                return BadRequest($"runs: expected 1 to {StoreOptions.DefaultAnalysisRunsPerApp}, got {runs}");
            }

            if (measurements is < 0 or > StoreOptions.DefaultMeasurementsPerMetric)
            {
                return BadRequest($"measurements: expected 0 to {StoreOptions.DefaultMeasurementsPerMetric}, got {measurements}");
            }

            if (await store.GetAppAsync(app, env, ct) is null)
            {
                return await AppNotFound.AnswerAsync(store, app, env, ct);
            }

            var view = reconciler.View(app, env);
            var status = view?.Plan?.Status ?? await store.GetStatusAsync(app, env, ct);
            var shown = new List<(AnalysisRunRecord, IReadOnlyList<Measurement>)>();
            foreach (var run in await store.ListAnalysisRunsAsync(app, env, runs ?? AnalysisViews.DefaultRuns, ct))
            {
                shown.Add((run, await store.ListMeasurementsAsync(run.Id, measurements ?? AnalysisViews.DefaultMeasurements, ct)));
            }

            return Json(AnalysisViews.Build(app, env, status, view?.Plan?.Health, shown));
        });

        api.MapGet("/apps/{app}/{env}/config", async (string app, string env, ConfigService config, IStore store, CancellationToken ct) =>
            await config.GetAsync(app, env, ct) is { } effective ? Json(effective.View) : await AppNotFound.AnswerAsync(store, app, env, ct));

        api.MapGet("/apps/{app}/config-diff", async (HttpRequest request, string app, ConfigService config, IStore store, CancellationToken ct) =>
        {
            var (from, to, refused) = ConfigDiffQuery.Read(request.Query);
            if (refused is not null)
            {
                return BadRequest(refused);
            }

            if (await config.GetAsync(app, from!, ct) is not { } a)
            {
                return await AppNotFound.AnswerAsync(store, app, from!, ct);
            }

            return await config.GetAsync(app, to!, ct) is { } b
                ? Json(ConfigDiff.Compare(a, b))
                : await AppNotFound.AnswerAsync(store, app, to!, ct);
        });

        api.MapGet("/apps/{app}/{env}/slo", async (string app, string env, IStore store, ErrorBudgetService errorBudget, CancellationToken ct) =>
        {
            if (await store.GetAppAsync(app, env, ct) is not { } record)
            {
                return await AppNotFound.AnswerAsync(store, app, env, ct);
            }

            // The router's latest seconds first, so that what is shown is what the gate would decide on now.
            var report = await errorBudget.ReportAsync(record, record: true, ct);
            return Json(SloViews.Build(report, await errorBudget.ProgressAsync(record, ct)));
        });

        api.MapGet("/apps/{app}/{env}/hooks", async (string app, string env, int? runs, int? lines, IStore store, Reconciler reconciler, Secrets.ISecretLookup secrets, CancellationToken ct) =>
        {
            if (runs is < 1 or > StoreOptions.DefaultHookRunsPerApp)
            {
                return BadRequest($"runs: expected 1 to {StoreOptions.DefaultHookRunsPerApp}, got {runs}");
            }

            if (lines is < 0)
            {
                return BadRequest($"lines: expected 0 or more, got {lines}");
            }

            if (await store.GetAppAsync(app, env, ct) is null)
            {
                return await AppNotFound.AnswerAsync(store, app, env, ct);
            }

            var status = reconciler.View(app, env)?.Plan?.Status ?? await store.GetStatusAsync(app, env, ct);
            var shown = await store.ListHookRunsAsync(app, env, runs ?? HookViews.DefaultRuns, ct);
            return Json(HookViews.Build(app, env, status, shown, lines, secrets.Redact));
        });

        api.MapGet("/apps/{app}/{env}/history", async (string app, string env, IStore store, Reconciler reconciler, CancellationToken ct) =>
        {
            if (await store.GetAppAsync(app, env, ct) is null)
            {
                return await AppNotFound.AnswerAsync(store, app, env, ct);
            }

            var revisions = await store.ListRevisionsAsync(app, env, ct);
            var events = await store.ListEventsAsync(app, env, 1000, ct);
            var status = reconciler.View(app, env)?.Plan?.Status ?? await store.GetStatusAsync(app, env, ct); // as status shows it
            return Json(new HistoryView(
                revisions.Select(r => new RevisionHistory(r.Number, r.ChangeCause, r.CreatedAt, r.Template.Artifact.Digest, events.Where(e => e.Revision == r.Number).ToList())
                {
                    Irreversible = r.Template.Irreversible?.Reason,
                    IrreversibleChanges = [.. status.IrreversibleChanges.Where(c => c.Revision == r.Number)],
                }).ToList(),
                events,
                status.StableRevision,
                status.InProgress ? status.UpdatedRevision : null));
        });

        api.MapGet("/apps/{app}/{env}/logs", async (HttpContext context, string app, string env, int? revision, int? tail, bool? follow, string? since, bool? timestamps, IStore store, LogReader logs, TimeProvider time, Secrets.ISecretLookup secrets, CancellationToken ct) =>
        {
            if (await store.GetAppAsync(app, env, ct) is null)
            {
                await (await AppNotFound.AnswerAsync(store, app, env, ct)).ExecuteAsync(context);
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
                // An app may print its own env: the secret values it was given are taken out (docs/secrets.md).
                await context.Response.WriteAsync($"[{line.InstanceId}] {stamp}{secrets.Redact(line.Text)}\n", ct);
                await context.Response.Body.FlushAsync(ct);
            }
        });
    }

    /// <summary>Reads the spec files of a validate, apply or diff strictly (an unknown field is a 400), then runs <paramref name="call"/>.</summary>
    private static async Task<IResult> WithSpecFilesAsync(HttpRequest request, Func<ApplyRequest, Task<IResult>> call, CancellationToken ct)
    {
        var (files, invalid) = await ApiBody.ReadAsync<ApplyRequest>(request, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        return files!.Problem() is { } problem ? BadRequest(problem) : await call(files);
    }

    private static IResult Outcome(ApplyOutcome outcome) =>
        outcome.ErrorBudget is { } refused ? Results.Json(new { error = refused.Message, errorBudget = refused.Blocked }, SlipwayJson.Api, statusCode: 409)
        : outcome.Errors.Count > 0 ? Rejected(outcome.Errors)
        : Json(new { applied = outcome.Applied, templates = outcome.Templates, policies = outcome.Policies, warnings = outcome.Warnings });

    private static IResult Outcome(DiffOutcome outcome) =>
        outcome.Errors.Count > 0 ? Rejected(outcome.Errors) : Json(new { diffs = outcome.Diffs, warnings = outcome.Warnings });

    private static IResult Rejected(IReadOnlyList<SpecError> errors) => Results.Json(new { errors }, SlipwayJson.Api, statusCode: 422);

    private static IResult BadRequest(string error) => ApiErrors.Error(StatusCodes.Status400BadRequest, error);

    private static IResult Json<T>(T value) => Results.Json(value, SlipwayJson.Api);
}

/// <summary>
/// <c>GET …/history</c>: every revision with its events, all events (newest first), and which revision is stable and
/// which is being rolled out, as <c>status</c> shows them.
/// </summary>
public sealed record HistoryView(IReadOnlyList<RevisionHistory> Revisions, IReadOnlyList<EventRecord> Events, int? StableRevision, int? CanaryRevision);

public sealed record RevisionHistory(int Number, string ChangeCause, DateTimeOffset CreatedAt, string? ArtifactDigest, IReadOnlyList<EventRecord> Events)
{
    /// <summary>What the release declared a rollback cannot undo (<c>spec.irreversible.reason</c>); null when nothing.</summary>
    public string? Irreversible { get; init; }

    /// <summary>The irreversible changes the revision made (the release's once it started, its hooks'): the boundary undo needs --force to cross.</summary>
    public IReadOnlyList<IrreversibleChange> IrreversibleChanges { get; init; } = [];
}
