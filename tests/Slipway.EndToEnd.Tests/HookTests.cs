using System.Globalization;
using System.Text.Json;
using Slipway.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Hooks as users meet them, through the real <c>slipway</c> CLI and server processes: a migration that fails stops a
/// release before anything of it starts, and says why; a release whose final promotion waits for a sign-off goes on
/// when a human promotes; a controller killed in the middle of a hook neither repeats what was done nor loses what
/// was left to do.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class HookTests(ITestOutputHelper output)
{
    private const string Canary = """
        canary:
          steps:
            - setWeight: 50
        """;

    private static string Spec(string version, string hooks) =>
        SlipwayCluster.SampleSpec("web", version, Canary, replicas: 1) + "\n  hooks:\n" + string.Join("\n", hooks.Trim('\n').Split('\n').Select(l => "    " + l));

    private static string Job(string name, string type, string script, string extra = "") => $"""
        - name: {name}
          type: {type}
          job:
            command: sh
            args: ["-c", {JsonSerializer.Serialize(script)}]{(extra.Length > 0 ? "\n  " + extra : "")}
        """;

    [Fact]
    public async Task A_failing_migration_stops_the_release_before_it_starts_and_a_sign_off_gate_waits_for_promote()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var hooks = Job("migrate", "preRollout", """
            echo "applying migrations for $VERSION"
            if [ "$VERSION" = v2 ]; then echo "ERROR: column users.email_verified already exists" >&2; exit 1; fi
            """, "irreversible: {reason: adds column users.email_verified}")
            + "\n" + Job("sign-off", "confirmPromotion", "echo 'waiting for QA'; exit 1");
        await cluster.ApplyAsync(Spec("v1", hooks));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 1, "v1 healthy");

        var (code, _, stderr) = await cluster.CliAsync("apply", "-f", cluster.WriteSpec("web.yaml", Spec("v2", hooks)));
        Assert.True(code == 0, stderr);
        var aborted = await cluster.WaitForStatusAsync("web", s =>
        {
            Assert.DoesNotContain(s.Revisions, r => r.Number == 2); // never an instance of it
            return s.Phase == "Degraded";
        }, "v2 stopped by its migration");
        Assert.Equal("HookFailed", aborted.Reason);

        var hooksText = await cluster.CliAsync("hooks", "web");
        output.WriteLine(hooksText.Stdout);
        Assert.Equal(0, hooksText.ExitCode);
        Assert.Contains("ERROR: column users.email_verified already exists", hooksText.Stdout, StringComparison.Ordinal);
        Assert.Contains("migrate   preRollout (irreversible)   2          Failed", hooksText.Stdout, StringComparison.Ordinal);
        var status = await cluster.CliAsync("status", "web");
        output.WriteLine(status.Stdout);
        Assert.Contains("preRollout hook migrate failed after 1 attempt: exit code 1", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("hook      migrate (preRollout, irreversible, run ", status.Stdout, StringComparison.Ordinal);

        // Fixed: the migration passes, and the final promotion waits for the sign-off until a human gives it.
        await cluster.CliAsync("apply", "-f", cluster.WriteSpec("web.yaml", Spec("v3", hooks)));
        var waiting = await cluster.WaitForStatusAsync("web", s => s.Reason == "WaitingForConfirmation", "v3 waiting for its sign-off");
        Assert.Equal((1, 50), (waiting.StableRevision, waiting.Weights.Canary));
        var promoted = await cluster.CliAsync("rollout", "promote", "web");
        Assert.Equal(0, promoted.ExitCode);
        Assert.Contains("the final promotion of revision 3 is confirmed by hand", promoted.Stdout, StringComparison.Ordinal);
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 3, "v3 promoted");

        var json = JsonDocument.Parse((await cluster.CliAsync("hooks", "web", "-o", "json")).Stdout).RootElement;
        var phases = json.GetProperty("runs").EnumerateArray()
            .Select(r => (r.GetProperty("hook").GetString(), r.GetProperty("revision").GetInt32(), r.GetProperty("phase").GetString())).ToList();
        Assert.Contains(("migrate", 3, "Succeeded"), phases);
        Assert.Contains(("sign-off", 3, "Cancelled"), phases);
        Assert.Contains(("migrate", 2, "Failed"), phases);
    }

    [Fact]
    public async Task A_controller_killed_mid_hook_kills_the_job_it_left_and_makes_the_attempt_again_without_repeating_a_finished_hook()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var log = Path.Combine(cluster.DataDirectory, "hooks.log");
        var pids = Path.Combine(cluster.DataDirectory, "migrate.pids");
        var go = Path.Combine(cluster.DataDirectory, "go");
        var hooks = Job("seed", "preRollout", $"echo seed >> {log}")
            + "\n" + Job("migrate", "preRollout", $"echo $$ >> {pids}; echo migrate started >> {log}; while [ ! -e {go} ]; do sleep 0.2; done; echo migrate done >> {log}", "timeout: 5m");
        await cluster.ApplyAsync(Spec("v1", hooks));
        await Eventually.WaitAsync(() => Task.FromResult(File.Exists(pids)), found => found, TimeSpan.FromSeconds(60), "the migration running");

        await cluster.KillServerAsync();
        var orphan = int.Parse((await File.ReadAllLinesAsync(pids))[0], CultureInfo.InvariantCulture);
        Assert.True(Alive(orphan), "a killed controller does not take its job with it");

        await cluster.StartServerAsync();
        await Eventually.WaitAsync(() => File.ReadAllLinesAsync(pids), started => started.Length == 2, TimeSpan.FromSeconds(60), "the attempt made again");
        await Eventually.WaitAsync(() => Task.FromResult(Alive(orphan)), alive => !alive, TimeSpan.FromSeconds(10), "the job the killed controller left, killed");
        await File.WriteAllTextAsync(go, "");
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 1, "v1 healthy after the restart");

        var lines = await File.ReadAllLinesAsync(log);
        output.WriteLine(string.Join(" | ", lines));
        Assert.Equal(1, lines.Count(l => l == "seed"));
        Assert.Equal(1, lines.Count(l => l == "migrate done"));
        Assert.Equal(2, (await File.ReadAllLinesAsync(pids)).Length); // the interrupted attempt, made again once
        var runs = JsonDocument.Parse(await cluster.Api.GetStringAsync("api/v1/apps/web/dev/hooks")).RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.All(runs, r => Assert.Equal(("Succeeded", 1), (r.GetProperty("phase").GetString(), r.GetProperty("attempts").GetInt32())));
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
