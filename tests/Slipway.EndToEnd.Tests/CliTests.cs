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
        Assert.Contains("app nope has no environment dev", stderr);
    }
}
