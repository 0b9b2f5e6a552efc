using System.Diagnostics;
using System.Globalization;
using System.Text;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// The rollout verbs through the real <c>slipway</c> binary against a real server: <c>rollout status</c> and its exit
/// codes (0 Healthy, 1 Degraded, 3 paused until someone acts, 4 timed out; timed pauses waited through) right after an apply, <c>status --watch</c> and
/// <c>get apps --watch</c> as lines and as a terminal view, <c>rollout pause|resume</c>, <c>rollout undo
/// --to-revision</c>, and what each command says it did. One server for the class; each test has its own app.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CliRolloutTests(CliRolloutTests.Cluster fixture) : IClassFixture<CliRolloutTests.Cluster>
{
    private const string Rolling = """
        rolling:
          maxSurge: 1
          maxUnavailable: 0
        """;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private SlipwayCluster Slipway => fixture.Slipway;

    [Fact]
    public async Task Rollout_status_right_after_apply_waits_for_the_new_revision_and_exits_0_once_it_is_healthy()
    {
        var (exit, stdout, stderr) = await ApplyWithCliAsync("api", "v1", Rolling);
        Assert.True(exit == 0, stderr);
        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "api");
        Assert.True(exit == 0, stderr);
        Assert.EndsWith("api: revision 1 rolled out: Healthy, 1/1 instances ready", stdout.Trim());

        (exit, _, stderr) = await ApplyWithCliAsync("api", "v2", Rolling);
        Assert.True(exit == 0, stderr);
        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "api");

        Assert.True(exit == 0, stderr);
        Assert.EndsWith("api: revision 2 rolled out: Healthy, 1/1 instances ready", stdout.Trim());
        Assert.DoesNotContain("revision 1 rolled out", stdout);
        var status = await Slipway.StatusAsync("api");
        Assert.Equal(("Healthy", 2), (status.Phase, status.StableRevision));
    }

    [Fact]
    public async Task Rollout_status_exits_1_with_the_reason_when_the_canary_crashes()
    {
        const string canary = """
            canary:
              steps:
                - setWeight: 50
                - pause: {}
            """;
        await DeployAsync("crash", "v1", canary);
        await Slipway.ApplyAsync(Spec("crash", "v2", canary, minReadySeconds: 3, maxRestarts: 0, env: ("CRASH_AFTER_SECONDS", "1")), "crash.yaml");

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "crash");

        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("error: crash: the rollout of revision 2 is Degraded (MaxRestartsExceeded): revision 2's instances restarted", stderr);
        Assert.Contains("crash: Degraded (MaxRestartsExceeded)", stdout);
        Assert.Equal(1, (await Slipway.StatusAsync("crash")).StableRevision);
    }

    [Fact]
    public async Task Rollout_status_exits_3_at_a_pause_saying_how_to_go_on_and_promote_says_what_it_did()
    {
        const string canary = """
            canary:
              steps:
                - setWeight: 50
                - pause: {}
            """;
        await DeployAsync("web", "v1", canary);
        await Slipway.ApplyAsync(Spec("web", "v2", canary), "web.yaml");

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "web");

        Assert.True(exit == 3, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("web: Paused (CanaryPauseStep) | step 2/2 pause (until promoted) | weights stable 50% canary 50%", stdout);
        Assert.Contains("web: paused at step 2 of 2: pause (until promoted); go on with `slipway rollout promote web`", stdout);

        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "promote", "web");
        Assert.True(exit == 0, stderr);
        Assert.Equal("web: promoted: last step done; revision 2 takes all traffic once all its instances are available", stdout.Trim());
        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "web");
        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.EndsWith("web: revision 2 rolled out: Healthy, 1/1 instances ready", stdout.Trim());
    }

    [Fact]
    public async Task Rollout_status_waits_through_a_timed_pause_which_ends_by_itself_and_exits_0()
    {
        const string canary = """
            canary:
              steps:
                - setWeight: 50
                - pause: {duration: 3s}
            """;
        await DeployAsync("timed", "v1", canary);
        await Slipway.ApplyAsync(Spec("timed", "v2", canary), "timed.yaml");

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "timed", "--timeout", "90s");

        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("timed: paused; it goes on by itself in", stdout);
        Assert.EndsWith("timed: revision 2 rolled out: Healthy, 1/1 instances ready", stdout.Trim());
    }

    [Fact]
    public async Task Rollout_status_gives_up_after_the_timeout_with_exit_4_saying_where_the_rollout_was()
    {
        await Slipway.ApplyAsync(Spec("slow", "v1", Rolling, env: ("NEVER_READY", "true")), "slow.yaml");

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "slow", "--timeout", "2s");

        Assert.True(exit == 4, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("error: slow: timed out after 2s waiting for the rollout of revision 1; it is Progressing (InstancesNotAvailable): 0/1 instances of revision 1 available", stderr);

        (exit, _, stderr) = await Slipway.CliAsync("rollout", "status", "slow", "--timeout", "soon");
        Assert.Equal(2, exit);
        Assert.Contains("--timeout 'soon': expected a duration such as 90s, 5m or 1h30m", stderr);
    }

    [Fact]
    public async Task Pause_holds_the_next_revision_until_resume_and_every_command_says_what_it_did()
    {
        const string canary = """
            canary:
              steps:
                - setWeight: 50
                - pause:
                    duration: 10m
            """;
        await DeployAsync("hold", "v1", canary);

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "pause", "hold");
        Assert.True(exit == 0, stderr);
        Assert.Equal("hold: paused: revision 1 serves; a new revision waits until resumed", stdout.Trim());
        await Slipway.ApplyAsync(Spec("hold", "v2", canary), "hold.yaml");

        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "hold");
        Assert.True(exit == 3, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("hold: paused by a user at step 1 of 2: setWeight 50; go on with `slipway rollout resume hold`", stdout);
        var held = await Slipway.StatusAsync("hold");
        Assert.Equal(("Paused", "PausedByUser", 1, 2), (held.Phase, held.Reason, held.StableRevision, held.CanaryRevision));
        Assert.DoesNotContain(held.Revisions, r => r.Number == 2 && r.Instances.Count > 0);
        Assert.Equal(100, held.Weights.Stable);

        (exit, _, stderr) = await Slipway.CliAsync("rollout", "promote", "hold");
        Assert.Equal(1, exit);
        Assert.Contains("the rollout is paused by a user: resume it first", stderr);

        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "resume", "hold");
        Assert.True(exit == 0, stderr);
        Assert.Equal("hold: resumed", stdout.Trim());
        await Slipway.WaitForStatusAsync("hold", s => s.CanaryRevision == 2 && s.Weights.Canary == 50, "the canary at 50 %");

        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "abort", "hold");
        Assert.True(exit == 0, stderr);
        Assert.Equal("hold: aborted: traffic back to revision 1", stdout.Trim());
        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "hold");
        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("Degraded (AbortedByUser)", stderr);
    }

    [Fact]
    public async Task Undo_past_an_irreversible_release_is_refused_with_its_reason_and_forced_it_runs_and_is_recorded()
    {
        await DeployAsync("schema", "v1", Rolling);
        await Slipway.ApplyAsync(Spec("schema", "v2", Rolling) + "\n  irreversible: {reason: drops column users.legacy_id}", "schema.yaml");
        await Slipway.WaitForStatusAsync("schema", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Generation == s.ObservedGeneration, "schema v2 healthy");

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "undo", "schema");
        Assert.True(exit == 1, $"exit {exit}: {stdout}{stderr}");
        Assert.Contains("going back to revision 1 would not undo what this changed: revision 2 (drops column users.legacy_id)", stderr);
        Assert.Equal(2, (await Slipway.StatusAsync("schema")).DesiredRevision);

        (exit, _, stderr) = await Slipway.CliAsync("rollout", "undo", "schema", "--force");
        Assert.Equal(2, exit);
        Assert.Contains("--force needs --reason", stderr);

        (exit, stdout, stderr) = await Slipway.CliAsync(
            new Dictionary<string, string?> { ["SLIPWAY_ACTOR"] = "carol@oncall" },
            "rollout", "undo", "schema", "--force", "--reason", "the column is unused");
        Assert.True(exit == 0, stderr);
        Assert.Equal("schema: rolling back to revision 1: known good, it rolls out without canary steps or pauses", stdout.Trim());
        await Slipway.WaitForStatusAsync("schema", s => s.Phase == "Healthy" && s.StableRevision == 1, "schema back on v1");

        (exit, stdout, stderr) = await Slipway.CliAsync("history", "schema");
        Assert.True(exit == 0, stderr);
        Assert.Contains("ForcedRollback", stdout);
        Assert.Contains("rollback to revision 1 forced by carol@oncall past revision 2 (drops column users.legacy_id): \"the column is unused\"", stdout);
        Assert.Contains("IRREVERSIBLE", stdout);
        (exit, stdout, _) = await Slipway.CliAsync("status", "schema");
        Assert.Contains("irreversible  revision 2 (drops column users.legacy_id) since", stdout);
        Assert.Contains("NOT rolled back: revision 1 serves", stdout);
    }

    [Fact]
    public async Task Undo_to_a_revision_rolls_it_out_and_an_unknown_or_current_revision_is_refused()
    {
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            await DeployAsync("undo", version, Rolling);
        }

        var (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "undo", "undo", "--to-revision", "9");
        Assert.Equal(1, exit);
        Assert.Equal("error: there is no revision 9: the revisions are 1 to 3", stderr.Trim());

        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "undo", "undo", "--to-revision", "1");
        Assert.True(exit == 0, stderr);
        Assert.Equal("undo: rolling back to revision 1: known good, it rolls out without canary steps or pauses", stdout.Trim());
        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "status", "undo");
        Assert.True(exit == 0, $"exit {exit}: {stdout}{stderr}");
        Assert.EndsWith("undo: revision 1 rolled out: Healthy, 1/1 instances ready", stdout.Trim());

        (exit, _, stderr) = await Slipway.CliAsync("rollout", "undo", "undo", "--to-revision", "1");
        Assert.Equal(1, exit);
        Assert.Contains("revision 1 is already the current revision", stderr);
        (exit, _, stderr) = await Slipway.CliAsync("rollout", "undo", "undo", "--to-revision", "one");
        Assert.Equal(2, exit);
        Assert.Contains("--to-revision 'one': expected a whole number from 1 to", stderr);

        foreach (var (command, body, error) in new[]
        {
            ("promote", """{"toRevision": 1}""", "'toRevision' applies to undo only, not to promote"),
            ("undo", """{"toRevision": 0}""", "'toRevision' 0: expected a revision number, 1 or more"),
        })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await Slipway.Api.PostAsync($"api/v1/apps/undo/dev/rollout/{command}", content);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(error, await response.Content.ReadAsStringAsync());
        }

        (exit, stdout, stderr) = await Slipway.CliAsync("rollout", "restart", "undo");
        Assert.True(exit == 0, stderr);
        Assert.Equal("undo: restarting 1 instance of revision 1, one at a time", stdout.Trim());
    }

    [Fact]
    public async Task Status_watch_and_get_apps_watch_print_one_line_per_change_when_not_a_terminal_and_stop_on_ctrl_c()
    {
        await DeployAsync("watch", "v1", Rolling);
        await using var status = CliProcess.Start("status", "watch", "--watch", "--server", Slipway.ServerUrl, "--data", Slipway.DataDirectory);
        await using var apps = CliProcess.Start("get", "apps", "--watch", "--server", Slipway.ServerUrl, "--data", Slipway.DataDirectory);
        await status.WaitForLineAsync("watch: Healthy | weights stable 100% canary 0% | revision 1 stable 1/1 ready", Deadline);
        await apps.WaitForLineAsync("watch (dev): Healthy | stable 1, canary - | ready 1/1", Deadline);

        await Slipway.ApplyAsync(Spec("watch", "v2", Rolling, env: ("STARTUP_DELAY_SECONDS", "2")), "watch.yaml"); // progressing long enough to be seen

        await status.WaitForLineAsync("watch: Healthy | weights stable 100% canary 0% | revision 2 stable 1/1 ready", Deadline);
        await apps.WaitForLineAsync("watch (dev): Healthy | stable 2, canary - | ready 1/1", Deadline);
        var lines = status.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("watch: Progressing (RollingUpdate)", StringComparison.Ordinal));
        Assert.All(lines.Zip(lines.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second)); // a line per change, not per poll
        Assert.Contains(apps.Stdout.Split('\n'), l => l.StartsWith("watch (dev): Progressing | stable 1, canary 2", StringComparison.Ordinal));

        foreach (var watch in new[] { status, apps })
        {
            Assert.True(await watch.SignalAsync("INT", group: true));
            Assert.True(await watch.WaitForExitAsync(Deadline), "the watch did not stop on Ctrl-C");
            Assert.Equal(130, watch.ExitCode);
            Assert.DoesNotContain("Exception", watch.Stderr);
        }
    }

    [Fact]
    public async Task Status_watch_on_a_terminal_draws_the_steps_with_marks_and_a_countdown_and_ctrl_c_restores_the_cursor()
    {
        const string canary = """
            canary:
              steps:
                - setWeight: 50
                - pause:
                    duration: 10m
                - setWeight: 100
            """;
        await DeployAsync("live", "v1", canary);
        await Slipway.ApplyAsync(Spec("live", "v2", canary), "live.yaml");
        await Slipway.WaitForStatusAsync("live", s => s.Phase == "Paused" && s.PauseEndsAt is not null, "live paused at its timed pause");

        // script(1) gives the CLI a real terminal (a pty); Ctrl-C is typed into it, as a user would.
        var cli = $"exec dotnet {Quote(Paths.SlipwayDll)} status live --watch --server {Slipway.ServerUrl} --data {Quote(Slipway.DataDirectory)}";
        var info = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qfec", $"stty cols 120 rows 40; {cli}", "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        using var terminal = Process.Start(info)!;
        var output = new StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await terminal.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, read);
                }
            }
        });
        string Screen()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        try
        {
            await Eventually.WaitAsync(() => Task.FromResult(Screen()), s => s.Contains("resumes in", StringComparison.Ordinal), Deadline, "a frame with the countdown");
            await Eventually.WaitAsync(() => Task.FromResult(Screen()), s => s.Split("Ctrl-C to stop").Length > 2, Deadline, "a second frame");
            await terminal.StandardInput.WriteAsync('\u0003');
            await terminal.StandardInput.FlushAsync();
            using var exited = new CancellationTokenSource(Deadline);
            await terminal.WaitForExitAsync(exited.Token);
            await reading;
        }
        finally
        {
            if (!terminal.HasExited)
            {
                terminal.Kill(entireProcessTree: true);
            }
        }

        var screen = Screen();
        Assert.Equal(130, terminal.ExitCode);
        Assert.Contains("live (dev)   canary   Paused (CanaryPauseStep)", screen);
        Assert.Contains("✔  1  setWeight 50", screen);
        Assert.Matches(@"▶  2  pause 10m   resumes in (9 min \d\d|10 min 00) s", screen);
        Assert.Contains("○  3  setWeight 100", screen);
        Assert.Contains("weights    stable 50%   canary 50%", screen);
        Assert.Contains("revision 2    canary    ready 1/1", screen);
        Assert.Contains("\u001b[?25l", screen); // the cursor is hidden while drawing …
        Assert.True(screen.LastIndexOf("\u001b[?25h", StringComparison.Ordinal) > screen.LastIndexOf("Ctrl-C to stop", StringComparison.Ordinal), "the cursor was not shown again after the last frame");
        Assert.DoesNotContain("Exception", screen);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> ApplyWithCliAsync(string app, string version, string strategy) =>
        Slipway.CliAsync("apply", "-f", Slipway.WriteSpec(app + ".yaml", Spec(app, version, strategy)));

    private async Task DeployAsync(string app, string version, string strategy)
    {
        await Slipway.ApplyAsync(Spec(app, version, strategy), app + ".yaml");
        await Slipway.WaitForStatusAsync(app, s => s.Phase == "Healthy" && s.Generation == s.ObservedGeneration && s.StableRevision == s.DesiredRevision, $"{app} {version} healthy");
    }

    /// <summary>The sample service, one instance, quick to count as available (what these tests do not test).</summary>
    private static string Spec(string app, string version, string strategy, int minReadySeconds = 0, int maxRestarts = 2, (string Name, string Value)? env = null) =>
        SlipwayCluster.SampleSpec(
            app,
            version,
            strategy,
            replicas: 1,
            extraEnv: env is { } e ? $"\n    - name: {e.Name}\n      value: \"{e.Value}\"" : "",
            route: string.Create(CultureInfo.InvariantCulture, $"\n  minReadySeconds: {minReadySeconds}\n  maxRestarts: {maxRestarts}"));

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>One server for the class: the tests use apps of their own and do not interfere.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        internal SlipwayCluster Slipway { get; } = new();

        public Task InitializeAsync() => Slipway.StartServerAsync();

        public async Task DisposeAsync() => await Slipway.DisposeAsync();
    }
}
