using System.Text;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Api;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Secrets through the real CLI, server, router and sample service: a release refused without its secret, the
/// instance given the value in its environment (also after the server was killed and started again and the instance
/// restarted), a changed secret rolled out as a new revision — and a leak scan. With a sentinel value, after the whole
/// flow, the sentinel is in no file of the data directory (the store's raw bytes and the server's log included; the
/// app's own log file apart, which holds what the app printed), in no CLI output and no API answer. Values are checked
/// by presence only: nothing here prints one.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SecretsTests
{
    private readonly string _first = "sentinel-" + Guid.NewGuid().ToString("N");
    private readonly string _second = "sentinel-" + Guid.NewGuid().ToString("N");
    private readonly List<string> _seen = [];

    [Fact]
    public async Task A_secret_reaches_the_instance_env_rolls_out_when_changed_and_leaks_nowhere()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var spec = cluster.WriteSpec("web.yaml", Spec());

        // Refused without the secret, naming it and how to set it; nothing applied.
        var refused = await CliAsync(cluster, "apply", "-f", spec);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("spec.env[1].valueFrom: there is no secret db in environment dev: set it with `slipway secret set db url=… -e dev`", refused.Stderr, StringComparison.Ordinal);

        // Set (a value on the command line, another from stdin), applied, rolled out; the instance has the value.
        Assert.Equal(0, (await CliAsync(cluster, "secret", "set", "db", "url=" + _first)).Exit);
        Assert.Equal(0, (await CliAsync(cluster, "apply", "-f", spec)).Exit);
        var healthy = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 1, "revision 1 healthy");
        var instance = healthy.Revisions.Single(r => r.Number == 1).Instances.Single();
        Assert.True(EnvironmentHolds(instance.Pid, "DATABASE_URL=" + _first), "the instance's environment holds the secret value");

        // The app printed its env: Slipway's logs show the mark.
        var logs = await Eventually.WaitAsync(() => CliAsync(cluster, "logs", "web"), r => r.Stdout.Contains("DATABASE_URL=", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the printed env in the logs");
        Assert.Contains("DATABASE_URL=[secret db/url]", logs.Stdout, StringComparison.Ordinal);

        // A changed value is a new revision, rolled out, with the new value.
        var set = await CliAsync(cluster, "secret", "set", "db", "url=" + _second);
        Assert.Contains("secret db (dev) version 2: set url; rolling out web revision 2", set.Stdout, StringComparison.Ordinal);
        var second = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2, "revision 2 healthy");
        var replaced = second.Revisions.Single(r => r.Number == 2).Instances.Single();
        Assert.True(EnvironmentHolds(replaced.Pid, "DATABASE_URL=" + _second), "the new revision's instance holds the new value");

        // The server is killed and started again; the instance it adopts is killed and restarted: it gets the value again.
        await cluster.KillServerAsync();
        await cluster.StartServerAsync();
        await cluster.WaitForStatusAsync("web", s => s.Revisions.Single(r => r.Number == 2).Instances.Single().Ready, "the adopted instance ready");
        using (var kill = System.Diagnostics.Process.Start("kill", ["-KILL", "--", $"-{replaced.Pid}"]))
        {
            await kill.WaitForExitAsync();
        }

        var restarted = await cluster.WaitForStatusAsync(
            "web",
            s => s.Revisions.Single(r => r.Number == 2).Instances.Single() is { Ready: true, Restarts: >= 1 } i && i.Pid != replaced.Pid,
            "the instance restarted by the new server");
        Assert.True(EnvironmentHolds(restarted.Revisions.Single(r => r.Number == 2).Instances.Single().Pid, "DATABASE_URL=" + _second), "the restarted instance holds the value");

        // Everything a user looks at, through the CLI and the API.
        foreach (var args in new string[][]
        {
            ["status", "web"], ["status", "web", "-o", "json"], ["history", "web", "-o", "json"], ["get", "apps", "-o", "wide"],
            ["secret", "list", "-o", "json"], ["secret", "list", "-A", "-o", "wide"], ["logs", "web", "--tail", "-1"], ["logs", "web", "--revision", "1"],
            ["diff", "-f", spec], ["apply", "--dry-run", "-f", spec], ["analysis", "web", "-o", "json"], ["secret", "delete", "db"],
        })
        {
            await CliAsync(cluster, args);
        }

        foreach (var path in new[] { "api/v1/apps", "api/v1/apps/web/dev", "api/v1/apps/web/dev/history", "api/v1/secrets", "api/v1/apps/web/dev/logs?tail=-1" })
        {
            _seen.Add(await cluster.Api.GetStringAsync(path));
        }

        // The leak scan.
        Assert.False(_seen.Any(text => text.Contains(_first, StringComparison.Ordinal) || text.Contains(_second, StringComparison.Ordinal)), "a CLI output or an API answer held a secret value");
        var holding = FilesHolding(cluster.DataDirectory, _first).Concat(FilesHolding(cluster.DataDirectory, _second)).Distinct().ToList();
        var logRoot = Path.Combine(cluster.DataDirectory, "logs") + Path.DirectorySeparatorChar;
        Assert.True(holding.All(f => f.StartsWith(logRoot, StringComparison.Ordinal)), "files holding a secret value besides the app's own logs: " + string.Join(", ", holding.Where(f => !f.StartsWith(logRoot, StringComparison.Ordinal))));
        Assert.True(holding.Count > 0, "the app's own log holds what it printed (the scan would find a value)");
        Assert.True(File.Exists(Path.Combine(cluster.DataDirectory, "slipway.db")) && File.Exists(cluster.ServerLog), "the store and the server log were scanned");
    }

    private async Task<(int Exit, string Stdout, string Stderr)> CliAsync(SlipwayCluster cluster, params string[] args)
    {
        var result = await cluster.CliAsync(args);
        _seen.Add(result.Stdout);
        _seen.Add(result.Stderr);
        return result;
    }

    private static bool EnvironmentHolds(int pid, string entry)
    {
        var environ = File.ReadAllBytes($"/proc/{pid}/environ");
        return environ.AsSpan().IndexOf(Encoding.UTF8.GetBytes(entry + "\0")) >= 0;
    }

    /// <summary>Files of <paramref name="directory"/> holding <paramref name="text"/> as UTF-8 bytes, by full path.</summary>
    private static IEnumerable<string> FilesHolding(string directory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue; // gone meanwhile (a temporary file)
            }

            if (bytes.AsSpan().IndexOf(needle) >= 0)
            {
                yield return file;
            }
        }
    }

    /// <summary>The sample service, started by a shell that first prints its env (as a careless app would).</summary>
    private static string Spec() => $$"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: {{Paths.SampleDirectory}}
          command: /bin/sh
          args: ["-c", "env; exec dotnet Slipway.Sample.dll"]
          env:
            - name: VERSION
              value: v1
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {name: db, key: url}
          replicas: 1
          probes:
            readiness:
              httpGet: {path: /healthz}
              periodSeconds: 1
          terminationGracePeriodSeconds: 5
          strategy:
            rolling: {}
        """;
}
