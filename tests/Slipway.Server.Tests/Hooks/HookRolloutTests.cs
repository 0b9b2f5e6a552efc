using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Server.Api;
using Slipway.Server.Tests.Support;
using Xunit.Abstractions;

namespace Slipway.Server.Tests.Hooks;

/// <summary>
/// Hooks through a real server: the API, the reconciler and the hook runner, the local target running the sample
/// service as the app's instances, a real router, real jobs and a real listener receiving http hooks. One test at a
/// time (one class): each starts instances.
/// </summary>
public sealed class HookRolloutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(90);

    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>The sample service, one instance, a canary of <paramref name="steps"/>, with <paramref name="hooks"/> (YAML list items).</summary>
    private static string Spec(string version, string hooks, string steps = "- setWeight: 50") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: {SampleApp.Directory}
          command: dotnet
          args: [Slipway.Sample.dll]
          env:
            - name: VERSION
              value: {version}
          replicas: 1
          minReadySeconds: 0
          probes:
            readiness:
              httpGet: {"{path: /healthz}"}
              periodSeconds: 1
              failureThreshold: 1
          terminationGracePeriodSeconds: 5
          strategy:
            canary:
              steps:
        {Indent(steps, 8)}
          hooks:
        {Indent(hooks, 4)}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Trim('\n').Split('\n').Select(l => new string(' ', spaces) + l));

    /// <summary>A job hook running <paramref name="script"/> with sh.</summary>
    private static string Job(string name, string type, string script, string extra = "") => $"""
        - name: {name}
          type: {type}
          job:
            command: sh
            args: ["-c", {JsonSerializer.Serialize(script)}]{(extra.Length > 0 ? "\n  " + extra.Replace("\n", "\n  ", StringComparison.Ordinal) : "")}
        """;

    private static string Http(string name, string type, string url) => $"""
        - name: {name}
          type: {type}
          http: {"{"}url: "{url}"{"}"}
          timeout: 5s
        """;

    private Task<StatusView> StatusAsync() => _server.GetAsync<StatusView>("/api/v1/apps/web/dev");

    private Task<HooksView> HooksAsync() => _server.GetAsync<HooksView>("/api/v1/apps/web/dev/hooks?runs=100");

    private Task<HistoryView> HistoryAsync() => _server.GetAsync<HistoryView>("/api/v1/apps/web/dev/history");

    private async Task<StatusView> WaitForAsync(Func<StatusView, bool> done, string what, Action<StatusView>? always = null)
    {
        StatusView? last = null;
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                last = await StatusAsync();
                always?.Invoke(last);
                return done(last);
            }, what, Slow);
        }
        catch (TimeoutException)
        {
            output.WriteLine($"last status: {last?.Phase} {last?.Reason}: {last?.Message}");
            throw;
        }

        return last!;
    }

    private Task<StatusView> HealthyAsync(int revision) =>
        WaitForAsync(s => s.Phase == "Healthy" && s.StableRevision == revision && s.Revisions.Count == 1, $"revision {revision} healthy and alone");

    [Fact]
    public async Task A_failing_preRollout_job_starts_nothing_of_the_new_revision_and_its_output_is_shown_through_the_api()
    {
        var migrate = Job("migrate", "preRollout", """
            echo "migrating for revision $SLIPWAY_REVISION"
            if [ "$VERSION" = v2 ]; then echo "ERROR: relation users does not exist" >&2; exit 1; fi
            """, "retries: 1");
        await _server.ApplyAsync(Spec("v1", migrate));
        await HealthyAsync(1); // a first deploy runs its preRollout hooks too

        await _server.ApplyAsync(Spec("v2", migrate));
        var aborted = await WaitForAsync(
            s => s.Phase == "Degraded",
            "the rollout of revision 2 aborted by its preRollout hook",
            always: s => Assert.DoesNotContain(s.Revisions, r => r.Number == 2)); // never an instance of it, at any moment
        output.WriteLine($"{aborted.Reason}: {aborted.Message}");
        Assert.Equal(Reasons.HookFailed, aborted.Reason);
        Assert.Contains("preRollout hook migrate failed after 2 attempts: exit code 1; last output: migrating for revision 2 | ERROR: relation users does not exist", aborted.Message);
        Assert.Equal(1, aborted.StableRevision);
        Assert.Equal(100, aborted.Weights.Stable);

        var run = (await HooksAsync()).Runs.First(r => r.Revision == 2);
        Assert.Equal(("migrate", "preRollout", "Failed", 2, 2, 1), (run.Hook, run.Type, run.Phase, run.Attempts, run.MaxAttempts, run.ExitCode));
        Assert.Equal("migrating for revision 2\nERROR: relation users does not exist\n", run.Output);
        Assert.Equal("job sh", run.Action);
        var shown = Assert.Single(aborted.Hooks!, h => h.Id == run.Id);
        Assert.Equal("Failed", shown.Phase);

        var revision1 = (await HooksAsync()).Runs.Single(r => r.Revision == 1);
        Assert.Equal("Succeeded", revision1.Phase);
    }

    [Fact]
    public async Task A_succeeding_preRollout_job_retried_after_a_failure_lets_the_rollout_go_on()
    {
        var counter = _server.Temp.Combine("attempts");
        var migrate = Job("migrate", "preRollout", $$"""
            echo attempt >> {{counter}}
            if [ "$VERSION" = v2 ] && [ "$(wc -l < {{counter}})" -lt 3 ]; then echo "database busy" >&2; exit 1; fi
            echo migrated
            """, "retries: 1\nirreversible: {reason: adds column users.email_verified}");
        await _server.ApplyAsync(Spec("v1", migrate));
        await HealthyAsync(1);

        await _server.ApplyAsync(Spec("v2", migrate));
        await HealthyAsync(2);

        var run = (await HooksAsync()).Runs.First(r => r.Revision == 2);
        Assert.Equal(("Succeeded", 2, 0, "migrated\n"), (run.Phase, run.Attempts, run.ExitCode, run.Output));
        Assert.True(run.Irreversible);
        Assert.Equal("adds column users.email_verified", run.IrreversibleReason);

        // The hook succeeded before anything of revision 2 moved.
        var events = (await HistoryAsync()).Events.Where(e => e.Revision == 2).ToList();
        var succeeded = events.FindIndex(e => e.Reason == Reasons.HookSucceeded);
        var firstStep = events.FindIndex(e => e.Reason == Reasons.StepCompleted);
        Assert.InRange(succeeded, 0, firstStep - 1);
    }

    [Fact]
    public async Task ConfirmPromotion_holds_the_final_promotion_until_its_hook_answers_2xx()
    {
        var confirmed = false;
        var asked = 0;
        await using var approver = await LoopbackApp.StartAsync(context =>
        {
            Interlocked.Increment(ref asked);
            context.Response.StatusCode = Volatile.Read(ref confirmed) ? 200 : 403;
            return Task.CompletedTask;
        });
        var gate = Http("approve", "confirmPromotion", approver.Url("/approve"));
        await _server.ApplyAsync(Spec("v1", gate));
        await HealthyAsync(1);
        Assert.Equal(0, Volatile.Read(ref asked)); // a first deploy has no promotion to confirm

        await _server.ApplyAsync(Spec("v2", gate));
        var waiting = await WaitForAsync(s => s.Reason == Reasons.WaitingForConfirmation, "waiting for the confirmation");
        Assert.Equal("Paused", waiting.Phase);
        Assert.Contains("confirmPromotion hook approve", waiting.Message);

        // Asked again, and held meanwhile: half the traffic, revision 1 still stable.
        await Eventually.TrueAsync(() => Volatile.Read(ref asked) >= 2, "the hook asked a second time", Slow);
        var held = await StatusAsync();
        Assert.Equal((1, 50, Reasons.WaitingForConfirmation), (held.StableRevision, held.Weights.Canary, held.Reason));
        Assert.Contains(held.Hooks!, h => h.Hook == "approve" && h.Phase == "Running" && h.HttpStatus == 403);

        Volatile.Write(ref confirmed, true);
        await HealthyAsync(2);
        Assert.Equal("Succeeded", (await HooksAsync()).Runs.First(r => r.Hook == "approve").Phase);
        Assert.Contains((await HistoryAsync()).Events, e => e.Reason == Reasons.Confirmed && e.Message.Contains("confirmPromotion hook approve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfirmPromotion_is_confirmed_by_a_promote_and_its_hook_stops_being_asked()
    {
        await using var approver = await LoopbackApp.StartAsync(context =>
        {
            context.Response.StatusCode = 409;
            return Task.CompletedTask;
        });
        var gate = Http("approve", "confirmPromotion", approver.Url("/approve"));
        await _server.ApplyAsync(Spec("v1", gate));
        await HealthyAsync(1);
        await _server.ApplyAsync(Spec("v2", gate));
        await WaitForAsync(s => s.Reason == Reasons.WaitingForConfirmation, "waiting for the confirmation");

        var answer = await _server.CommandAsync("web", "promote");
        Assert.Contains("the final promotion of revision 2 is confirmed by hand", answer, StringComparison.Ordinal);
        await HealthyAsync(2);
        await Eventually.TrueAsync(async () => (await HooksAsync()).Runs.First(r => r.Hook == "approve").Phase == "Cancelled", "the gate's run cancelled", Slow);
    }

    [Fact]
    public async Task An_event_hook_receives_every_event_of_the_app_in_order()
    {
        var received = new ConcurrentQueue<JsonElement>();
        await using var endpoint = await LoopbackApp.StartAsync(async context =>
        {
            received.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
        });
        var notify = Http("notify", "event", endpoint.Url("/events"));
        await _server.ApplyAsync(Spec("v1", notify));
        await HealthyAsync(1);
        await _server.ApplyAsync(Spec("v2", notify, steps: "- setWeight: 50\n- pause: {duration: 1s}"));
        await HealthyAsync(2);

        var history = (await HistoryAsync()).Events.OrderBy(e => e.Id).ToList();
        await Eventually.TrueAsync(() => received.Count >= history.Count, "every event delivered", Slow);
        var delivered = received.ToList();
        Assert.Equal(history.Select(e => e.Id), delivered.Select(d => d.GetProperty("event").GetProperty("id").GetInt64()));
        Assert.Equal(history.Select(e => e.Reason), delivered.Select(d => d.GetProperty("event").GetProperty("reason").GetString()));
        Assert.Contains(Reasons.StepCompleted, history.Select(e => e.Reason));
        var last = delivered[^1];
        Assert.Equal(("web", "dev", "notify", "event"), (last.GetProperty("app").GetString(), last.GetProperty("environment").GetString(), last.GetProperty("hook").GetString(), last.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_failing_postPromotion_hook_is_reported_and_changes_nothing()
    {
        var contract = Job("contract", "postPromotion", """
            if [ "$VERSION" = v2 ]; then echo "column users.legacy_id is still read by revision $SLIPWAY_STABLE_REVISION" >&2; exit 4; fi
            """);
        await _server.ApplyAsync(Spec("v1", contract));
        await HealthyAsync(1);
        await _server.ApplyAsync(Spec("v2", contract));
        await HealthyAsync(2);

        await Eventually.TrueAsync(async () => (await HistoryAsync()).Events.Any(e => e.Reason == Reasons.HookFailed), "the failure reported", Slow);
        var failed = (await HistoryAsync()).Events.Single(e => e.Reason == Reasons.HookFailed);
        Assert.Contains("postPromotion hook contract failed after 1 attempt: exit code 4; last output: column users.legacy_id is still read by revision 2", failed.Message);
        Assert.Contains("revision 2 stays stable", failed.Message);

        var status = await StatusAsync();
        Assert.Equal(("Healthy", 2), (status.Phase, status.StableRevision));
        Assert.Contains(status.Hooks!, h => h.Hook == "contract" && h.Revision == 2 && h.Phase == "Failed" && h.ExitCode == 4);
    }

    [Fact]
    public async Task An_onAbort_hook_runs_once_the_traffic_is_back_on_stable()
    {
        var marker = _server.Temp.Combine("aborted");
        var cleanup = Job("cleanup", "onAbort", $"echo \"revision $SLIPWAY_REVISION aborted\" >> {marker}");
        const string paused = "- setWeight: 50\n- pause: {}";
        await _server.ApplyAsync(Spec("v1", cleanup, paused));
        await HealthyAsync(1);
        await _server.ApplyAsync(Spec("v2", cleanup, paused));
        await WaitForAsync(s => s.Phase == "Paused" && s.Weights.Canary == 50, "revision 2 paused at half the traffic");

        await _server.CommandAsync("web", "abort");
        await Eventually.TrueAsync(() => File.Exists(marker), "the onAbort hook ran", Slow);
        Assert.Equal("revision 2 aborted\n", await File.ReadAllTextAsync(marker));
        var run = await Eventually.ResultAsync(async () => (await HooksAsync()).Runs.Single(r => r.Hook == "cleanup"), r => r.Phase == "Succeeded", "the onAbort run succeeded", Slow);
        var aborted = (await HistoryAsync()).Events.Single(e => e.Reason == Reasons.AbortedByUser);
        Assert.True(run.StartedAt >= aborted.Time);
        var status = await StatusAsync();
        Assert.Equal((1, 100), (status.StableRevision, status.Weights.Stable));
    }

    [Fact]
    public async Task A_server_restarted_mid_hook_neither_repeats_a_finished_hook_nor_loses_a_pending_one()
    {
        var log = _server.Temp.Combine("hooks.log");
        var go = _server.Temp.Combine("go");
        var hooks = string.Join("\n",
            Job("first", "preRollout", $"echo first >> {log}"),
            Job("second", "preRollout", $"echo second started >> {log}; while [ ! -e {go} ]; do sleep 0.2; done; echo second done >> {log}", "timeout: 5m"),
            Job("third", "preRollout", $"echo third >> {log}"));
        await _server.ApplyAsync(Spec("v1", hooks));
        await Eventually.TrueAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("second started", StringComparison.Ordinal), "the second hook running", Slow);

        await _server.RestartAsync();
        await File.WriteAllTextAsync(go, "");
        await HealthyAsync(1);

        var lines = (await File.ReadAllLinesAsync(log)).ToList();
        output.WriteLine(string.Join(" | ", lines));
        Assert.Equal(1, lines.Count(l => l == "first"));
        Assert.Equal(1, lines.Count(l => l == "second done"));
        Assert.Equal(1, lines.Count(l => l == "third"));
        Assert.Equal(lines.IndexOf("second done") + 1, lines.IndexOf("third"));
        var runs = (await HooksAsync()).Runs.ToDictionary(r => r.Hook);
        Assert.Equal(("Succeeded", 1), (runs["first"].Phase, runs["first"].Attempts));
        Assert.Equal(("Succeeded", 1), (runs["second"].Phase, runs["second"].Attempts)); // the interrupted attempt was made again, as the same attempt
        Assert.Equal(("Succeeded", 1), (runs["third"].Phase, runs["third"].Attempts));
    }
}
