using Slipway.EndToEnd.Tests.Harness;
using static Slipway.EndToEnd.Tests.RolloutUnderLoadTests;

namespace Slipway.EndToEnd.Tests;

/// <summary>A revision runs the code it was applied with, even after its directory was rebuilt in place.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ArtifactTests
{
    [Fact]
    public async Task Undo_after_a_rebuild_in_place_runs_the_code_of_the_previous_revision()
    {
        // The usual build loop: every build writes into the same output directory, here with its label in VERSION.
        var artifact = Directory.CreateTempSubdirectory("slipway-artifact-").FullName;
        var spec = SlipwayCluster.SampleSpec("build", version: null, Strategies.Rolling, replicas: 1, artifact: artifact);
        try
        {
            foreach (var file in Directory.EnumerateFiles(Paths.SampleDirectory))
            {
                File.Copy(file, Path.Combine(artifact, Path.GetFileName(file)));
            }

            await File.WriteAllTextAsync(Path.Combine(artifact, "VERSION"), "build-1\n");
            await using var cluster = new SlipwayCluster();
            await cluster.StartServerAsync();
            await cluster.ApplyAsync(spec);
            await cluster.WaitForStatusAsync("build", s => s.Phase == "Healthy" && s.StableRevision == 1, "build 1 healthy");
            Assert.Equal("build-1", await VersionAtAsync(cluster, "build.dev.localhost"));

            await File.WriteAllTextAsync(Path.Combine(artifact, "VERSION"), "build-2\n");
            await cluster.ApplyAsync(spec);
            await cluster.WaitForStatusAsync("build", s => s.Phase == "Healthy" && s.StableRevision == 2 && s.Revisions.Count == 1, "build 2 rolled out, build 1 stopped");
            Assert.Equal("build-2", await VersionAtAsync(cluster, "build.dev.localhost"));

            // Revision 1 no longer runs: undo starts it again, from the copy taken when it was applied.
            await cluster.CommandAsync("build", "undo");
            await cluster.WaitForStatusAsync("build", s => s.Phase == "Healthy" && s.StableRevision == 1 && s.Revisions.Count == 1, "back on revision 1");
            await Eventually.WaitAsync(() => VersionsAsync(cluster, "build.dev.localhost", 20), v => v.All(x => x == "build-1"), TimeSpan.FromSeconds(10), "every request answered by build 1");
        }
        finally
        {
            Directory.Delete(artifact, recursive: true);
        }
    }
}
