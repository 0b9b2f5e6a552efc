using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Hooks;
using Slipway.Core.Spec;
using Slipway.Server.Hooks;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Hooks;

/// <summary>A job hook's attempt as a real process: where and with what it runs, what is kept of its output, and that its time limit kills everything it started.</summary>
public sealed class JobHookTests : IAsyncLifetime
{
    private const string DatabaseUrl = "postgres://app:hunter2-database@db:5432/shop";

    private readonly TemporaryDirectory _temp = new();
    private TestVault _secrets = null!;

    private static readonly InstanceTemplate Template = new(
        new ArtifactRef("/unused"),
        "dotnet",
        ["Web.dll"],
        [new EnvVar("VERSION", "v2"), new EnvVar("DB_URL", "") { SecretKeyRef = new SecretKeyRef("db", "url") { Version = 1 } }],
        null,
        ProbeSet.None,
        30);

    private JobHookRequest Request(string script, TimeSpan? timeout = null, IReadOnlyList<EnvVar>? env = null, string? eventJson = null, HookType type = HookType.PreRollout) => new(
        "web",
        "prod",
        "migrate",
        type,
        2,
        1,
        new JobHookAction("sh", ["-c", script], env ?? [new EnvVar("MODE", "expand")]),
        timeout ?? TimeSpan.FromSeconds(30),
        _temp.Path,
        Template,
        "http://127.0.0.1:17401",
        eventJson);

    private Task<HookOutcome> RunAsync(JobHookRequest request) =>
        new JobHook(_secrets.Vault, TimeProvider.System, NullLogger.Instance).RunAsync(request, (_, _) => Task.CompletedTask, CancellationToken.None);

    [Fact]
    public async Task A_job_runs_in_its_revisions_artifact_with_the_revisions_env_its_secrets_its_own_env_and_slipways_and_never_the_servers_own()
    {
        _temp.WriteFile("marker.txt", "the artifact");
        Environment.SetEnvironmentVariable("SLIPWAY_TEST_SERVER_ONLY", "the server's own");
        var outcome = await RunAsync(Request($$"""
            cat marker.txt; echo
            echo "version=$VERSION mode=$MODE"
            [ "$DB_URL" = "{{DatabaseUrl}}" ] && echo "the secret is resolved"
            echo "the url is $DB_URL"
            [ -z "${SLIPWAY_TEST_SERVER_ONLY+set}" ] && echo "the server's env is not inherited"
            [ -n "$PATH" ] && echo "PATH is inherited"
            echo "$SLIPWAY_APP $SLIPWAY_ENV $SLIPWAY_REVISION $SLIPWAY_STABLE_REVISION $SLIPWAY_STABLE_URL $SLIPWAY_HOOK $SLIPWAY_HOOK_TYPE"
            [ -z "${SLIPWAY_EVENT+set}" ] && echo "no event"
            exit 0
            """));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("exit code 0", outcome.Message);
        var output = outcome.Output!;
        Assert.Contains("the artifact", output, StringComparison.Ordinal);
        Assert.Contains("version=v2 mode=expand", output, StringComparison.Ordinal);
        Assert.Contains("the secret is resolved", output, StringComparison.Ordinal);
        Assert.Contains("the url is [secret db/url]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-database", output, StringComparison.Ordinal); // redacted before anything keeps it
        Assert.Contains("the server's env is not inherited", output, StringComparison.Ordinal);
        Assert.Contains("PATH is inherited", output, StringComparison.Ordinal);
        Assert.Contains("web prod 2 1 http://127.0.0.1:17401 migrate preRollout", output, StringComparison.Ordinal);
        Assert.Contains("no event", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_job_says_its_exit_code_and_keeps_the_end_of_its_output()
    {
        var outcome = await RunAsync(Request("i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done; echo 'relation users does not exist' >&2; exit 3"));
        Assert.False(outcome.Succeeded);
        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal("exit code 3", outcome.Message);
        Assert.EndsWith("line 19999\nrelation users does not exist\n", outcome.Output, StringComparison.Ordinal);
        Assert.StartsWith("[output cut: the first ", outcome.Output, StringComparison.Ordinal);
        Assert.True(outcome.Output!.Length <= JobHook.OutputLimit + 100);
    }

    [Fact]
    public async Task A_job_past_its_timeout_is_killed_with_every_process_it_started()
    {
        var pidFile = _temp.Combine("child.pid");
        var outcome = await RunAsync(Request($"sleep 300 & echo $! > {pidFile}; echo started; sleep 300", timeout: TimeSpan.FromSeconds(2)));

        Assert.False(outcome.Succeeded);
        Assert.Equal("timed out after 2s: sh and every process it started were killed", outcome.Message);
        Assert.Contains("started", outcome.Output, StringComparison.Ordinal);
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => !IsAlive(child), "the job's background child is killed too");
    }

    /// <summary>Whether the process exists and is not a zombie, from /proc.</summary>
    internal static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task An_event_job_reads_the_event_on_its_standard_input_and_in_SLIPWAY_EVENT()
    {
        const string json = """{"app":"web","event":{"id":7,"reason":"StepCompleted"}}""";
        var outcome = await RunAsync(Request("""read -r line; echo "stdin: $line"; echo "env: $SLIPWAY_EVENT" """, eventJson: json, type: HookType.Event));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains($"stdin: {json}", outcome.Output, StringComparison.Ordinal);
        Assert.Contains($"env: {json}", outcome.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_key_that_does_not_exist_fails_the_attempt_naming_the_variable_and_the_key_only()
    {
        var outcome = await RunAsync(Request("echo never runs", env: [new EnvVar("ADMIN_URL", "") { SecretKeyRef = new SecretKeyRef("db", "admin-url") }]));
        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.ExitCode);
        Assert.Equal("ADMIN_URL comes from key admin-url of secret db, which environment prod does not have", outcome.Message);
    }

    [Fact]
    public async Task A_command_that_does_not_exist_is_an_error_of_the_attempt_not_an_exit_code()
    {
        var request = Request("") with { Job = new JobHookAction("no-such-migrate-tool", [], []) };
        var outcome = await RunAsync(request);
        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.ExitCode);
        Assert.Equal("the job's command no-such-migrate-tool was not found in any directory of PATH", outcome.Message);
    }

    public async Task InitializeAsync()
    {
        _secrets = await TestVault.OpenAsync();
        Assert.Equal(1, await _secrets.SetAsync("prod", "db", "url", DatabaseUrl));
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("SLIPWAY_TEST_SERVER_ONLY", null);
        _temp.Dispose();
        await _secrets.DisposeAsync();
    }
}
