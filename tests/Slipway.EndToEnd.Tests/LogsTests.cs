using System.Diagnostics;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary><c>slipway logs --follow</c> through the real CLI: what instances write shows up, including instances started later.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class LogsTests
{
    [Fact]
    public async Task Logs_follow_prints_new_lines_from_instances_started_after_it_began_and_stops_when_killed()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Rolling, replicas: 1));
        var first = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        var firstInstance = first.Revisions.Single().Instances.Single().Id;

        using var follow = cluster.StartCli("logs", "web", "--follow");
        var lines = new List<string>();
        var reading = Task.Run(async () =>
        {
            while (await follow.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        });

        bool Seen(string instance, string text)
        {
            lock (lines)
            {
                return lines.Any(l => l.StartsWith($"[{instance}]", StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal));
            }
        }

        try
        {
            await Eventually.WaitAsync(() => Task.FromResult(Seen(firstInstance, "listening")), ok => ok, TimeSpan.FromSeconds(30), "the running instance's start line");

            // A new revision starts a new instance after the follow began: its lines arrive too.
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Rolling, replicas: 1));
            var second = await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy" && s.StableRevision == 2, "v2 healthy");
            var secondInstance = second.Revisions.Single(r => r.Number == 2).Instances.Single().Id;
            await Eventually.WaitAsync(() => Task.FromResult(Seen(secondInstance, "version=v2 listening")), ok => ok, TimeSpan.FromSeconds(30), "the new instance's start line");
            Assert.False(follow.HasExited, "logs --follow ended by itself");
        }
        finally
        {
            follow.Kill(entireProcessTree: true);
            await follow.WaitForExitAsync();
            await reading;
        }
    }
}
