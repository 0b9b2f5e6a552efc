using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Tests.Support;
using static Slipway.Server.Tests.Analysis.Providers.ProviderRequests;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>The job provider running real commands: exit codes, output, environment, timeouts and what is left running.</summary>
public sealed class JobProviderTests : IDisposable
{
    private readonly TemporaryDirectory _artifact = new();
    private readonly JobProvider _provider = new(TimeProvider.System, NullLogger<JobProvider>.Instance);

    public void Dispose() => _artifact.Dispose();

    [Fact]
    public async Task A_command_that_exits_0_gives_0_and_its_output()
    {
        var result = await RunAsync(Sh("echo all good"));

        Assert.Equal(0, Number(result));
        Assert.Equal("all good\n", result.Output);
    }

    [Fact]
    public async Task A_command_that_exits_3_gives_3_a_result_the_conditions_judge_not_an_error()
    {
        var result = await RunAsync(Sh("echo 'checkout failed' >&2; exit 3"));

        Assert.Equal(3, Number(result));
        Assert.Equal("checkout failed\n", result.Output);
    }

    [Fact]
    public async Task Without_conditions_exit_0_passes_another_code_fails_and_a_missing_command_is_an_error()
    {
        var target = ProviderRequests.Target with { ArtifactDirectory = _artifact.Path };

        var passed = await MeasureAndDecideAsync(_provider, new MetricSpec("smoke", Sh("exit 0")), target);
        var failed = await MeasureAndDecideAsync(_provider, new MetricSpec("smoke", Sh("exit 3")), target);
        var missing = await MeasureAndDecideAsync(_provider, new MetricSpec("smoke", new JobMetricProvider("no-such-smoke-test", [], [], TimeSpan.FromMinutes(1))), target);

        Assert.Equal(AnalysisPhase.Successful, passed.Phase);
        Assert.Equal(AnalysisPhase.Failed, failed.Phase);
        Assert.Equal(AnalysisPhase.Error, missing.Phase);
    }

    [Fact]
    public async Task Stdout_and_stderr_are_kept_in_the_order_they_were_written()
    {
        var result = await RunAsync(Sh("echo one; echo two >&2; echo three; echo four >&2"));

        Assert.Equal("one\ntwo\nthree\nfour\n", result.Output);
    }

    [Fact]
    public async Task Only_the_last_64_KiB_of_output_are_kept_and_the_cut_is_said()
    {
        var result = await RunAsync(Sh("head -c 100000 /dev/zero | tr '\\0' a; echo; echo END"));

        Assert.Equal(0, Number(result));
        const int written = 100_000 + 1 + 4;
        var output = result.Output!;
        Assert.StartsWith($"[output cut: the first {written - JobProvider.OutputLimit} bytes were dropped; the last {JobProvider.OutputLimit} follow]\n", output);
        Assert.EndsWith("aaaa\nEND\n", output);
        Assert.Equal(JobProvider.OutputLimit, output[(output.IndexOf('\n') + 1)..].Length);
    }

    [Fact]
    public async Task Arguments_are_passed_as_given_with_no_shell_between()
    {
        var result = await RunAsync(new JobMetricProvider("printf", ["%s|", "two words", "$HOME", "*", "a;b"], [], TimeSpan.FromMinutes(1)));

        Assert.Equal("two words|$HOME|*|a;b|", result.Output);
    }

    [Fact]
    public async Task It_runs_in_the_artifact_directory_and_a_relative_command_is_found_there()
    {
        var script = _artifact.WriteFile("smoke.sh", "#!/bin/sh\npwd\n");
        if (!OperatingSystem.IsWindows()) // always true: jobs run on Linux; the check is for the platform analyzer
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var result = await RunAsync(new JobMetricProvider("./smoke.sh", [], [], TimeSpan.FromMinutes(1)));

        Assert.Equal(0, Number(result));
        Assert.Equal(_artifact.Path + "\n", result.Output);
    }

    [Fact]
    public async Task Without_an_artifact_directory_it_runs_in_a_scratch_directory_removed_afterwards()
    {
        var result = await RunAsync(Sh("pwd"), ProviderRequests.Target);

        var directory = result.Output!.TrimEnd('\n');
        Assert.Contains("slipway-job-", directory);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task The_job_sees_the_servers_environment_its_env_and_what_it_analyses()
    {
        var target = new AnalysisTarget("web", "prod", 7, 6, _artifact.Path, "http://127.0.0.1:41234");
        var spec = Sh("""echo "$SLIPWAY_APP|$SLIPWAY_ENVIRONMENT|$SLIPWAY_REVISION|$SLIPWAY_STABLE_REVISION|$SLIPWAY_CANARY_URL|$GREETING|${PATH:+path}" """)
            with { Env = [new EnvVar("GREETING", "hello"), new EnvVar("SLIPWAY_REVISION", "not this")] };

        var result = await RunAsync(spec, target);

        Assert.Equal("web|prod|7|6|http://127.0.0.1:41234|hello|path\n", result.Output);
    }

    [Fact]
    public async Task On_a_first_deploy_with_no_ready_instance_the_stable_revision_and_url_are_unset()
    {
        var target = new AnalysisTarget("web", "prod", 1, null, _artifact.Path, null);

        var result = await RunAsync(Sh("""echo "${SLIPWAY_STABLE_REVISION-unset}|${SLIPWAY_CANARY_URL-unset}" """), target);

        Assert.Equal("unset|unset\n", result.Output);
    }

    [Fact]
    public async Task Past_its_timeout_the_job_and_every_process_it_started_are_killed()
    {
        var result = await RunAsync(Sh("sleep 300 & echo $! > child.pid; echo started; wait") with { Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal("timed out after 5s: sh and every process it started were killed", Error(result));
        Assert.Equal("started\n", result.Output);
        var child = ChildPid();
        await Eventually.TrueAsync(() => !IsRunning(child), $"the job's child sleep (pid {child}) gone");
    }

    [Fact]
    public async Task What_a_job_leaves_running_when_it_exits_is_killed()
    {
        var result = await RunAsync(Sh("sleep 300 & echo $! > child.pid; echo done"));

        Assert.Equal(0, Number(result));
        Assert.Equal("done\n", result.Output);
        var child = ChildPid();
        await Eventually.TrueAsync(() => !IsRunning(child), $"the job's leftover sleep (pid {child}) gone");
    }

    [Fact]
    public async Task Cancelling_the_measurement_kills_the_job()
    {
        using var cancel = new CancellationTokenSource();
        var running = RunAsync(Sh("sleep 300 & echo $! > child.pid; wait"), ct: cancel.Token);
        await Eventually.TrueAsync(() => File.Exists(_artifact.Combine("child.pid")) && File.ReadAllText(_artifact.Combine("child.pid")).EndsWith('\n'), "the job started its child");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var child = ChildPid();
        await Eventually.TrueAsync(() => !IsRunning(child), $"the job's child sleep (pid {child}) gone");
    }

    [Theory]
    [InlineData("no-such-command-in-slipway-tests", "the job's command no-such-command-in-slipway-tests was not found in any directory of PATH")]
    [InlineData("./missing.sh", "the job's command ./missing.sh does not exist (looked for {artifact}/missing.sh)")]
    [InlineData("./data.txt", "the job's command ./data.txt is not executable (chmod +x it)")]
    public async Task A_command_that_cannot_run_is_an_error_not_an_exit_code(string command, string expected)
    {
        _artifact.WriteFile("data.txt", "not a program");

        var error = Error(await RunAsync(new JobMetricProvider(command, [], [], TimeSpan.FromMinutes(1))));

        Assert.Equal(expected.Replace("{artifact}", _artifact.Path, StringComparison.Ordinal), error);
    }

    private static JobMetricProvider Sh(string script) => new("sh", ["-c", script], [], TimeSpan.FromMinutes(1));

    private Task<ProviderResult> RunAsync(JobMetricProvider spec, AnalysisTarget? target = null, CancellationToken ct = default) =>
        _provider.MeasureAsync(For(spec, target ?? ProviderRequests.Target with { ArtifactDirectory = _artifact.Path }), ct);

    private int ChildPid() => int.Parse(File.ReadAllText(_artifact.Combine("child.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Whether the process runs: a zombie has exited (it waits only for its parent to reap it).</summary>
    private static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }

        return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
    }
}
