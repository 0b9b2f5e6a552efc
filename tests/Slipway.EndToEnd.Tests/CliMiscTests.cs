using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// The verbs and habits of issue 8 that are neither rollouts nor output formats, through the real binary against one
/// shared server: <c>version</c>, <c>completion</c>, <c>help</c>, did-you-mean for a mistyped command, <c>down</c>'s
/// refusals, <c>logs --since/--timestamps/--revision</c> and every <c>--server</c> form.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class CliMiscTests(CliMiscTests.Fixture fixture) : IClassFixture<CliMiscTests.Fixture>
{
    private SlipwayCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Version_prints_the_client_and_the_server_and_says_so_when_the_server_is_down()
    {
        var (exit, stdout, stderr) = await Cluster.CliAsync("version");
        Assert.True(exit == 0, stderr);
        Assert.Matches(@"^Client Version: \S+ \(.*\)\nServer Version: \S+ \(.*\)\n$", stdout);

        (exit, stdout, stderr) = await Cluster.CliAsync("version", "-o", "json");
        Assert.True(exit == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            var client = json.RootElement.GetProperty("client");
            var server = json.RootElement.GetProperty("server");
            Assert.False(string.IsNullOrEmpty(client.GetProperty("version").GetString()));
            Assert.Equal(client.GetRawText(), server.GetRawText()); // one build, client and server
            if (Directory.Exists(Path.Combine(Paths.Repository, ".git")) || File.Exists(Path.Combine(Paths.Repository, ".git")))
            {
                Assert.Matches("^[0-9a-f]{40}$", client.GetProperty("commit").GetString()); // the SDK embeds the commit it built
            }
        }

        // --client: no server asked, even a wrong one.
        (exit, stdout, stderr) = await Cluster.CliAsync("version", "--client", "--server", "127.0.0.1:1");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith("Client Version: ", stdout);
        Assert.DoesNotContain("Server", stdout);

        // No server: the client's version, then why not the server's, and an exit code that says it failed.
        (exit, stdout, stderr) = await Cluster.CliAsync("version", "--server", "127.0.0.1:1");
        Assert.Equal(2, exit);
        Assert.StartsWith("Client Version: ", stdout);
        Assert.Contains("cannot reach the Slipway server at http://127.0.0.1:1/", stderr);
        (exit, stdout, _) = await Cluster.CliAsync("version", "--server", "127.0.0.1:1", "-o", "json");
        Assert.Equal(2, exit);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("client").ValueKind);
            Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("server").ValueKind);
        }
    }

    [Fact]
    public async Task The_bash_completion_script_loads_in_bash_and_completes_commands_subcommands_values_and_app_names()
    {
        var script = """
            source <(slipway completion bash) || exit 3
            complete -p slipway || exit 4
            t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); unset COMP_LINE COMP_POINT; COMPREPLY=(); _slipway; echo "${COMPREPLY[*]}"; }
            t slipway rol
            t slipway rollout ''
            t slipway status -o ''
            t slipway status ''
            t slipway help rollout pro
            # As bash calls it: the typed line, which COMP_WORDS splits at the colon of host:port.
            COMP_LINE="slipway --server $SLIPWAY_SERVER rollout pro"; COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(slipway --server "${SLIPWAY_SERVER%:*}" : "${SLIPWAY_SERVER##*:}" rollout pro); COMP_CWORD=6
            COMPREPLY=(); _slipway; echo "${COMPREPLY[*]}"
            """;
        var (exit, stdout, stderr) = await ShellAsync("bash", script);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        var lines = stdout.Split('\n');
        Assert.StartsWith("complete -o default -F _slipway slipway", lines[0]);
        Assert.Equal(["rollout"], Words(lines[1]));
        Assert.Equal(["abort", "pause", "promote", "restart", "resume", "retry", "status", "undo"], Words(lines[2]).Where(w => !w.StartsWith('-')));
        Assert.Contains("--help", Words(lines[2]));
        Assert.Equal(["json", "name", "text", "wide", "yaml"], Words(lines[3]));
        Assert.Contains("web", Words(lines[4])); // from the server
        Assert.Contains("--output", Words(lines[4]));
        Assert.Equal(["promote"], Words(lines[5]));
        Assert.Equal(["promote"], Words(lines[6]));

        // The server down: app names are left out, silently.
        (exit, stdout, stderr) = await ShellAsync("bash", """
            source <(slipway completion bash)
            COMP_WORDS=(slipway status ''); COMP_CWORD=2; _slipway; echo "${COMPREPLY[*]}"
            """, server: "127.0.0.1:1");
        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Contains("--output", Words(stdout));
        Assert.DoesNotContain("web", Words(stdout));
    }

    [Fact]
    public async Task The_zsh_completion_script_parses_in_zsh_and_completes_through_slipway()
    {
        var (exit, stdout, stderr) = await ShellAsync("zsh", """
            slipway completion zsh > "$TMPDIR/_slipway" && zsh -n "$TMPDIR/_slipway" || exit 3
            autoload -U compinit && compinit -u -d "$TMPDIR/zcompdump"
            source "$TMPDIR/_slipway"
            compadd() { print -r -- "${(j: :)@[2,-1]}" }
            words=(slipway rollout ''); CURRENT=3; _slipway
            """);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(["abort", "pause", "promote", "restart", "resume", "retry", "status", "undo"], Words(stdout).Where(w => !w.StartsWith('-')));
    }

    [Fact]
    public async Task The_fish_completion_script_parses_in_fish_and_completes_through_slipway()
    {
        var (exit, stdout, stderr) = await ShellAsync("fish", """
            slipway completion fish > $TMPDIR/slipway.fish; and fish --no-execute $TMPDIR/slipway.fish; or exit 3
            source $TMPDIR/slipway.fish
            complete -C'slipway rollout '
            """);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(["abort", "pause", "promote", "restart", "resume", "retry", "status", "undo"], Words(stdout).Where(w => !w.StartsWith('-')));
    }

    [Fact]
    public async Task Help_COMMAND_prints_what_COMMAND_help_prints_and_an_unknown_one_is_a_usage_error_with_a_did_you_mean()
    {
        foreach (var (help, flag) in new[] { (["help"], ["--help"]), (["help", "logs"], ["logs", "--help"]), (new[] { "help", "rollout", "promote" }, new[] { "rollout", "promote", "--help" }) })
        {
            var (exit, viaHelp, stderr) = await Cluster.CliAsync(help);
            Assert.True(exit == 0, stderr);
            var (_, viaFlag, _) = await Cluster.CliAsync(flag);
            Assert.Equal(viaFlag, viaHelp);
            Assert.Contains("Usage:", viaHelp);
        }

        var (code, stdout, error) = await Cluster.CliAsync("help", "nosuch");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(["error: unknown command 'nosuch'", "see 'slipway --help'"], Lines(error));

        (code, _, error) = await Cluster.CliAsync("help", "stauts");
        Assert.Equal(2, code);
        Assert.Equal(["error: unknown command 'stauts'", "did you mean 'status'?", "see 'slipway --help'"], Lines(error));
    }

    [Fact]
    public async Task A_mistyped_command_or_option_prints_a_short_did_you_mean_not_the_help_page()
    {
        var cases = new (string[] Args, string[] Expected)[]
        {
            (["stauts", "web"], ["error: unknown command 'stauts'", "did you mean 'status'?", "see 'slipway --help'"]),
            (["rollout", "promot", "web"], ["error: unknown command 'promot' for 'slipway rollout'", "did you mean 'promote'?", "see 'slipway rollout --help'"]),
            (["roll"], ["error: unknown command 'roll'", "did you mean 'rollout'?", "see 'slipway --help'"]),
            (["frobnicate"], ["error: unknown command 'frobnicate'", "see 'slipway --help'"]),
            (["logs", "web", "--sinse", "5m"], ["error: unknown option '--sinse' for 'slipway logs'", "did you mean '--since'?", "see 'slipway logs --help'"]),
            (["rollout"], ["error: 'slipway rollout' needs a command: promote, abort, retry, undo, restart", "see 'slipway rollout --help'"]),
            (["completion", "powershell"], ["error: unknown shell 'powershell': expected bash, zsh or fish", "see 'slipway completion --help'"]),
        };
        foreach (var (args, expected) in cases)
        {
            var (exit, stdout, stderr) = await Cluster.CliAsync(args);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}");
            Assert.Equal("", stdout);
            if (args[0] == "rollout" && args.Length == 1)
            {
                // The list grows with the rollout verbs: what matters is that it names them, on one line.
                Assert.StartsWith("error: 'slipway rollout' needs a command: ", Lines(stderr)[0]);
                Assert.All(["status", "promote", "abort", "pause", "resume", "undo"], verb => Assert.Contains(verb, Lines(stderr)[0]));
                Assert.Equal(expected[1], Lines(stderr)[1]);
                continue;
            }

            Assert.Equal(expected, Lines(stderr));
        }
    }

    [Fact]
    public async Task Down_on_a_directory_without_Slipway_data_says_so_and_creates_nothing()
    {
        var empty = Directory.CreateTempSubdirectory("slipway-down-").FullName;
        try
        {
            var missing = Path.Combine(empty, "not-there");
            foreach (var data in new[] { empty, missing })
            {
                var (exit, stdout, stderr) = await Cluster.CliAsync("down", "--data", data);
                Assert.True(exit == 0, stderr);
                Assert.Equal($"nothing to stop: {data} holds no Slipway data\n", stdout);
            }

            Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Down_refuses_while_a_server_runs_on_the_data_directory_and_a_second_server_is_refused_too()
    {
        var (exit, stdout, stderr) = await Cluster.CliAsync("down");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains($"a Slipway server (pid {Cluster.ServerPid}) is running on {Cluster.DataDirectory}: it would start again every instance `down` stops", stderr);
        Assert.Contains("--force", stderr);
        Assert.Single(Lines(stderr));
        // Nothing was stopped.
        var status = await Cluster.StatusAsync("web");
        Assert.Equal(1, status.Revisions.Single(r => r.Number == 2).Ready);

        var ports = FreePorts.Take(3);
        (exit, _, stderr) = await Cluster.CliAsync(
            "server", "--api", $"127.0.0.1:{ports[0]}", "--router-listen", $"127.0.0.1:{ports[1]}", "--router-admin", $"127.0.0.1:{ports[2]}");
        Assert.Equal(1, exit);
        Assert.Contains($"a Slipway server (pid {Cluster.ServerPid}) is already running on {Cluster.DataDirectory}", stderr);
        Assert.Equal(1, (await Cluster.StatusAsync("web")).Revisions.Single(r => r.Number == 2).Ready);

        // --force: done all the same, with a warning (on a server of its own, with no app: it only has a router to lose).
        await using var other = new SlipwayCluster();
        await other.StartServerAsync();
        (exit, stdout, stderr) = await other.CliAsync("down", "--force");
        Assert.True(exit == 0, stderr);
        Assert.Equal("stopped the router; no instance was running\n", stdout);
        Assert.Equal($"warning: the Slipway server (pid {other.ServerPid}) running on {other.DataDirectory} will start its instances and the router again\n", stderr);
    }

    [Fact]
    public async Task Logs_timestamps_give_each_line_its_time_since_keeps_the_lines_from_then_on_and_an_unknown_revision_is_an_error()
    {
        var (exit, stdout, stderr) = await Cluster.CliAsync("logs", "web", "--since", "1h", "--timestamps");
        Assert.True(exit == 0, stderr);
        var all = Lines(stdout).Select(Stamped).ToList();
        var v1 = fixture.Instances[1];
        var v2 = fixture.Instances[2];
        Assert.Contains(all, l => l.Instance == v1 && l.Text.Contains("version=v1 listening", StringComparison.Ordinal));
        Assert.Contains(all, l => l.Instance == v2 && l.Text.Contains("version=v2 listening", StringComparison.Ordinal));
        // When Slipway saw each line: never before the cluster started, never after now.
        Assert.All(all, l => Assert.InRange(l.Time, fixture.Started, DateTimeOffset.UtcNow.AddSeconds(1)));

        // The sample says "listening" once, when it starts: v2 started after v1 was listening.
        var v1Listening = all.Single(l => l.Instance == v1);
        var v2Listening = all.Single(l => l.Instance == v2);
        Assert.True(v1Listening.Time < v2Listening.Time, $"{v1Listening} is not older than {v2Listening}");

        // From v2's line on: v2's line, not v1's.
        var since = v2Listening.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        (exit, stdout, stderr) = await Cluster.CliAsync("logs", "web", "--since", since, "--timestamps");
        Assert.True(exit == 0, stderr);
        var recent = Lines(stdout).Select(Stamped).ToList();
        Assert.Equal([v2Listening], recent);

        // Without --timestamps: the same lines, without the time.
        (exit, stdout, _) = await Cluster.CliAsync("logs", "web", "--since", since);
        Assert.Equal(0, exit);
        Assert.Equal([$"[{v2}] {v2Listening.Text}"], Lines(stdout));

        (exit, _, stderr) = await Cluster.CliAsync("logs", "web", "--since", "5x");
        Assert.Equal(2, exit);
        Assert.Contains("--since '5x': expected a duration such as 30s, 5m or 1h30m, or an RFC 3339 time", stderr);

        (exit, _, stderr) = await Cluster.CliAsync("logs", "web", "--revision", "7");
        Assert.Equal(1, exit);
        Assert.Equal(["error: web has no revision 7; revisions: 1, 2"], Lines(stderr));
        (exit, stdout, stderr) = await Cluster.CliAsync("logs", "web", "--revision", "1");
        Assert.True(exit == 0, stderr);
        Assert.All(Lines(stdout), l => Assert.StartsWith($"[{v1}]", l));
    }

    [Fact]
    public async Task Every_server_form_works_and_every_malformed_one_is_a_one_line_usage_error_on_every_API_command()
    {
        var port = Cluster.ApiPort.ToString(CultureInfo.InvariantCulture);
        var noEnvironment = new Dictionary<string, string?> { ["SLIPWAY_SERVER"] = null };
        foreach (var server in new[] { $"127.0.0.1:{port}", $"localhost:{port}", $"http://127.0.0.1:{port}", $"http://localhost:{port}/" })
        {
            var (exit, stdout, stderr) = await Cluster.CliAsync(noEnvironment, "status", "web", "--server", server);
            Assert.True(exit == 0, $"--server {server}: {stderr}");
            Assert.Contains("web", stdout);
        }

        // A host alone means port 7070; https:// is taken (this server speaks plain HTTP, so the TLS handshake fails).
        foreach (var (server, url) in new[] { ("127.0.0.1", "http://127.0.0.1:7070/"), ($"https://127.0.0.1:{port}", $"https://127.0.0.1:{port}/") })
        {
            var (exit, _, stderr) = await Cluster.CliAsync(noEnvironment, "version", "--server", server);
            Assert.True(exit == 2, $"--server {server}: exit {exit}: {stderr}");
            Assert.Contains(url, stderr);
            Assert.DoesNotContain("   at ", stderr);
        }

        var file = Cluster.WriteSpec("forms.yaml", SlipwayCluster.SampleSpec("forms", "v1", Strategies.Rolling, replicas: 1));
        string[][] commands =
        [
            ["get", "apps"], ["status", "web"], ["history", "web"], ["logs", "web"], ["delete", "web"], ["apply", "-f", file],
            ["rollout", "promote", "web"], ["rollout", "abort", "web"], ["rollout", "retry", "web"], ["rollout", "undo", "web"],
            ["rollout", "restart", "web"], ["rollout", "pause", "web"], ["rollout", "resume", "web"], ["rollout", "status", "web"],
            ["status", "web", "--watch"], ["get", "apps", "--watch"], ["diff", "-f", file], ["apply", "--dry-run", "-f", file], ["version"],
        ];
        string[] malformed = [":::", "http://", "127.0.0.1:99999", "ftp://x", ""];
        var runs = commands.SelectMany(c => malformed.Select(m => (Args: (string[])[.. c, "--server", m], Server: m))).ToList();
        var results = new List<((string[] Args, string Server) Run, (int Exit, string Stdout, string Stderr) Result)>();
        foreach (var batch in runs.Chunk(4))
        {
            var done = await Task.WhenAll(batch.Select(async r => (r, await Cluster.CliAsync(r.Args))));
            results.AddRange(done);
        }

        foreach (var ((args, server), (exit, _, stderr)) in results)
        {
            var what = $"{string.Join(' ', args)}: exit {exit}: {stderr}";
            Assert.True(exit == 2, what);
            Assert.True(stderr.StartsWith($"error: --server '{server}': expected host:port, http://host:port or https://host:port", StringComparison.Ordinal), what);
            Assert.True(Lines(stderr).Count == 1, what);
        }

        // Nothing was run: the app and its revisions are as they were, the spec was not applied.
        var status = await Cluster.StatusAsync("web");
        Assert.Equal(("Healthy", 2), (status.Phase, status.StableRevision));
        var (listed, apps, _) = await Cluster.CliAsync("get", "apps");
        Assert.Equal(0, listed);
        Assert.DoesNotContain("forms", apps);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static List<string> Words(string line) => [.. line.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    private static StampedLine Stamped(string line)
    {
        var match = StampedPattern().Match(line);
        Assert.True(match.Success, $"not '[instance] RFC 3339 time text': {line}");
        var time = DateTimeOffset.ParseExact(match.Groups["time"].Value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new StampedLine(match.Groups["instance"].Value, time, match.Groups["text"].Value);
    }

    [GeneratedRegex(@"^\[(?<instance>[^\]]+)\] (?<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (?<text>.*)$")]
    private static partial Regex StampedPattern();

    /// <summary>
    /// Runs <paramref name="script"/> in <paramref name="shell"/> with <c>slipway</c> on the PATH (a wrapper around
    /// the built binary, as an installed slipway would be) and the cluster's server and data directory.
    /// </summary>
    private async Task<(int Exit, string Stdout, string Stderr)> ShellAsync(string shell, string script, string? server = null)
    {
        var bin = Directory.CreateTempSubdirectory("slipway-shell-").FullName;
        try
        {
            var wrapper = Path.Combine(bin, "slipway");
            await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec dotnet '{Paths.SlipwayDll}' \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            // .ci/run installs zsh and fish: a shell missing here is a gap in the machine, reported as a failure.
            Assert.True(
                (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, shell))),
                $"{shell} is not installed: its completion script cannot be checked (apt-get install {shell}, as .ci/run does)");
            var info = new ProcessStartInfo(shell) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(script);
            info.Environment["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}";
            info.Environment["TMPDIR"] = bin;
            info.Environment["HOME"] = bin; // no user rc file takes part
            info.Environment["SLIPWAY_SERVER"] = server ?? $"127.0.0.1:{Cluster.ApiPort}";
            info.Environment["SLIPWAY_DATA"] = Cluster.DataDirectory;
            info.Environment.Remove(SlipwayCluster.ApiTokenVariable);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    private sealed record StampedLine(string Instance, DateTimeOffset Time, string Text);

    /// <summary>
    /// One server for the class, with app <c>web</c> at revision 2 (rolled from revision 1, one instance each), so the
    /// logs hold lines of two instances written seconds apart.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal SlipwayCluster Cluster { get; } = new();

        /// <summary>Before the server started: no log line can be older.</summary>
        public DateTimeOffset Started { get; private set; }

        /// <summary>The instance of each revision.</summary>
        public Dictionary<int, string> Instances { get; } = [];

        public async Task InitializeAsync()
        {
            Started = DateTimeOffset.UtcNow;
            await Cluster.StartServerAsync();
            await Cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling, replicas: 1));
            var first = await Cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
            Instances[1] = first.Revisions.Single().Instances.Single().Id;
            await Cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Rolling, replicas: 1));
            var second = await Cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "v2 healthy, v1 gone");
            Instances[2] = second.Revisions.Single().Instances.Single().Id;
        }

        public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();
    }
}
