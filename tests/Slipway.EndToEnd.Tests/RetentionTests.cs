using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// What a deleted app leaves goes: its logs once its instances have stopped, its artifact copy at the next
/// housekeeping pass (one runs at every server start), and a crash's half-written copies at the next start.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RetentionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_deleted_apps_logs_and_artifact_copy_go_and_another_apps_stay()
    {
        // Its own build, so that its copy is its own: the other app's copy is the sample as built.
        var artifact = Directory.CreateTempSubdirectory("slipway-artifact-").FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(Paths.SampleDirectory))
            {
                File.Copy(file, Path.Combine(artifact, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(artifact, "VERSION"), "gone-1\n");
            await using var cluster = new SlipwayCluster();
            await cluster.StartServerAsync();
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec("gone", version: null, Strategies.Rolling, replicas: 1, artifact: artifact), "gone.yaml");
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec("kept", "v1", Strategies.Rolling, replicas: 1), "kept.yaml");
            await cluster.WaitForStatusAsync("gone", s => s.Phase == "Healthy", "gone healthy");
            await cluster.WaitForStatusAsync("kept", s => s.Phase == "Healthy", "kept healthy");
            var logs = Path.Combine(cluster.DataDirectory, "logs");
            var artifacts = Path.Combine(cluster.DataDirectory, "artifacts");
            Assert.True(Directory.Exists(Path.Combine(logs, "gone", "dev", "1")));
            Assert.Equal(2, Directory.GetDirectories(artifacts).Length);

            var (exit, _, stderr) = await cluster.CliAsync("delete", "gone");
            Assert.True(exit == 0, stderr);

            await Eventually.WaitAsync(() => Task.FromResult(Directory.Exists(Path.Combine(logs, "gone"))), exists => !exists, Deadline, "the deleted app's logs removed once its instance stopped");
            Assert.True(Directory.Exists(Path.Combine(logs, "kept", "dev", "1")));

            // A server killed while copying an artifact leaves a half-written copy; the next start removes it, and
            // its first pass the deleted app's copy.
            await cluster.KillServerAsync();
            var partial = Path.Combine(artifacts, $"sha256-{new string('0', 64)}.partial-{Guid.NewGuid():N}");
            Directory.CreateDirectory(partial);
            await File.WriteAllTextAsync(Path.Combine(partial, "Slipway.Sample.dll"), "half");
            await cluster.StartServerAsync();

            using var history = System.Text.Json.JsonDocument.Parse(await cluster.Api.GetStringAsync("api/v1/apps/kept/dev/history"));
            var keptDigest = history.RootElement.GetProperty("revisions")[0].GetProperty("artifactDigest").GetString();
            await Eventually.WaitAsync(
                () => Task.FromResult(Directory.GetDirectories(artifacts).Select(Path.GetFileName).ToList()),
                left => left.SequenceEqual([keptDigest?.Replace(':', '-')]),
                Deadline,
                "only the kept app's copy left");
            await cluster.WaitForStatusAsync("kept", s => s.Phase == "Healthy", "kept still healthy");
        }
        finally
        {
            Directory.Delete(artifact, recursive: true);
        }
    }
}
