using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class CliTests
{
    private const string BadSpec = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: /tmp
          command: dotnet
          replicas: -2
          colour: blue
          strategy:
            canary:
              steps:
                - setWeight: 120
                - pause:
                    duration: soon
        """;

    [Fact]
    public async Task An_invalid_spec_is_rejected_whole_with_every_error_and_changes_nothing()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary, replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        var file = cluster.WriteSpec("bad.yaml", BadSpec);

        var (exit, _, stderr) = await cluster.CliAsync("validate", "-f", file);
        Assert.NotEqual(0, exit);
        Assert.Contains($"{file}:9:", stderr); // replicas
        Assert.Contains("spec.replicas", stderr);
        Assert.Contains($"{file}:10:", stderr); // unknown field
        Assert.Contains("spec.colour", stderr);
        Assert.Contains("spec.strategy.canary.steps[0].setWeight", stderr);
        Assert.Contains("spec.strategy.canary.steps[1].pause.duration", stderr);

        (exit, _, stderr) = await cluster.CliAsync("apply", "-f", file);
        Assert.NotEqual(0, exit);
        Assert.Contains("spec.replicas", stderr);
        Assert.Contains("nothing was applied", stderr);

        var status = await cluster.StatusAsync("web");
        Assert.Equal(1, status.StableRevision);
        Assert.Null(status.CanaryRevision);
        Assert.Equal(1, status.Replicas);
    }

    [Fact]
    public async Task The_cli_applies_shows_status_history_and_logs()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var file = cluster.WriteSpec("web.yaml", SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling, replicas: 2));

        var (exit, stdout, stderr) = await cluster.CliAsync("apply", "-f", file);
        Assert.True(exit == 0, stderr);
        Assert.Contains("revision 1 created", stdout);
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");

        (exit, stdout, _) = await cluster.CliAsync("status", "web", "-o", "json");
        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.Equal("Healthy", json.RootElement.GetProperty("phase").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("revisions")[0].GetProperty("ready").GetInt32());

        (exit, stdout, _) = await cluster.CliAsync("get", "apps");
        Assert.Equal(0, exit);
        Assert.Contains("web", stdout);
        Assert.Contains("Healthy", stdout);

        (exit, stdout, _) = await cluster.CliAsync("logs", "web", "--tail", "10");
        Assert.Equal(0, exit);
        Assert.Contains("v1", stdout); // the sample prints its version when it starts

        (exit, _, stderr) = await cluster.CliAsync("rollout", "promote", "web");
        Assert.NotEqual(0, exit);
        Assert.Contains("no rollout is in progress", stderr);

        (exit, _, stderr) = await cluster.CliAsync("status", "nope");
        Assert.NotEqual(0, exit);
        Assert.Contains("app nope not found", stderr);
    }

    [Fact]
    public async Task The_cli_sends_the_token_from_the_data_directory_or_from_SLIPWAY_TOKEN_and_says_clearly_when_it_has_none()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var empty = Directory.CreateDirectory(Path.Combine(cluster.DataDirectory, "empty")).FullName;

        // The data directory from $SLIPWAY_DATA (the harness's default), then from --data.
        var (exit, _, stderr) = await cluster.CliAsync("get", "apps");
        Assert.True(exit == 0, stderr);
        Assert.Contains("No apps found in dev.", stderr);
        (exit, _, stderr) = await cluster.CliAsync(new Dictionary<string, string?> { ["SLIPWAY_DATA"] = null }, "get", "apps", "--data", cluster.DataDirectory);
        Assert.True(exit == 0, stderr);

        // $SLIPWAY_TOKEN, with a data directory that holds no token.
        (exit, _, stderr) = await cluster.CliAsync(new Dictionary<string, string?> { ["SLIPWAY_DATA"] = empty, [SlipwayCluster.ApiTokenVariable] = cluster.Token }, "get", "apps");
        Assert.True(exit == 0, stderr);

        // No token anywhere: says where it looked and what to do, changes nothing.
        (exit, _, stderr) = await cluster.CliAsync(new Dictionary<string, string?> { ["SLIPWAY_DATA"] = empty }, "rollout", "abort", "web");
        Assert.Equal(2, exit);
        Assert.Contains($"no API token: {Path.Combine(empty, "api-token")} does not exist", stderr);
        Assert.Contains("$SLIPWAY_TOKEN", stderr);
        Assert.DoesNotContain("   at ", stderr);

        // A wrong token: the server's refusal, naming where the token came from.
        (exit, _, stderr) = await cluster.CliAsync(new Dictionary<string, string?> { [SlipwayCluster.ApiTokenVariable] = new string('z', 43) }, "get", "apps");
        Assert.Equal(2, exit);
        Assert.Contains("refused the API token from $SLIPWAY_TOKEN", stderr);
        Assert.DoesNotContain(cluster.Token!, stderr);

        // An explicit --data wins over $SLIPWAY_TOKEN: the flag is honoured, not ignored.
        (exit, _, stderr) = await cluster.CliAsync(new Dictionary<string, string?> { [SlipwayCluster.ApiTokenVariable] = new string('z', 43) }, "get", "apps", "--data", cluster.DataDirectory);
        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task Server_takes_host_and_port_without_a_scheme_and_a_malformed_flag_is_a_one_line_error_without_a_stack_trace()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var port = cluster.ApiPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var file = cluster.WriteSpec("web.yaml", SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary, replicas: 1));

        foreach (var server in new[] { $"127.0.0.1:{port}", $"localhost:{port}", $"http://127.0.0.1:{port}", $"http://localhost:{port}/" })
        {
            var (ok, _, stderr) = await cluster.CliAsync(new Dictionary<string, string?> { ["SLIPWAY_SERVER"] = null }, "get", "apps", "--server", server);
            Assert.True(ok == 0, $"--server {server}: {stderr}");
            Assert.Contains("No apps found in dev.", stderr);
        }

        var (exit, _, stderr2) = await cluster.CliAsync(new Dictionary<string, string?> { ["SLIPWAY_SERVER"] = null }, "apply", "-f", file, "--server", $"127.0.0.1:{port}");
        Assert.True(exit == 0, stderr2);

        foreach (var server in new[] { "127.0.0.1:abc", "127.0.0.1:99999", "127.0.0.1:0", "http//127.0.0.1:7070", "ftp://127.0.0.1:7070", "http://", "::1:7070", "[::1", "http://127.0.0.1:7070/api", "http://u:p@127.0.0.1:7070", " ", "" })
        {
            var (code, _, stderr) = await cluster.CliAsync("get", "apps", "--server", server);
            Assert.True(code == 2, $"--server '{server}': exit {code}: {stderr}");
            Assert.StartsWith($"error: --server '{server}': expected host:port, http://host:port or https://host:port", stderr);
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        // The same from $SLIPWAY_SERVER, named as such.
        var (envCode, _, envError) = await cluster.CliAsync(new Dictionary<string, string?> { ["SLIPWAY_SERVER"] = "127.0.0.1:abc" }, "status", "web");
        Assert.Equal(2, envCode);
        Assert.StartsWith("error: $SLIPWAY_SERVER '127.0.0.1:abc'", envError);

        // Other flags with bad values: a message that says what was expected, exit 2, nothing run.
        var bad = new (string[] Args, string Expected)[]
        {
            (["logs", "web", "--tail", "abc"], "--tail 'abc': expected a whole number from 0 to"),
            (["logs", "web", "--revision", "x"], "--revision 'x': expected a whole number from 1 to"),
            (["demo", "--port", "99999"], "--port '99999': expected a whole number from 1 to 65535"),
            (["demo", "--pause-seconds", "-5"], "--pause-seconds '-5': expected a whole number from 0 to"),
            (["demo", "--data", cluster.DataDirectory], "--data does not apply to `slipway demo`"),
            (["get", "apps", "-A", "-e", "prod"], "--all-environments (-A) lists every environment; it does not go with --env (-e)"),
            (["server", "--api", "abc"], "--api 'abc': expected host:port"),
            (["server", "--api", "127.0.0.1:1", "--tls-cert", "/nonexistent.pem"], "--tls-cert and --tls-key go together"),
            (["server", "--api", "127.0.0.1:1", "--api-allowed-host", "http://x:80"], "--api-allowed-host 'http://x:80'"),
            (["router", "--config", "/nonexistent", "--listen", "abc"], "--listen 'abc': expected host:port"),
            (["status", "web", "-o", "xml"], "--output 'xml': expected one of text, json, yaml, wide, name"),
        };
        foreach (var (args, expected) in bad)
        {
            var (code, _, stderr) = await cluster.CliAsync(args);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}: {stderr}");
            Assert.Contains(expected, stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.DoesNotContain("Exception", stderr);
        }

        // The server refused above started nothing: this cluster's one app is still the only one.
        var (listed, apps, _) = await cluster.CliAsync("get", "apps");
        Assert.Equal(0, listed);
        Assert.Equal(2, apps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
