using System.Diagnostics;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Artifacts through the real server: a broken one is refused with its file named while the control plane goes on
/// working, and what an instance does in its working directory changes neither the stored artifact nor another instance.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BadArtifactTests : IDisposable
{
    private readonly string _artifact = Directory.CreateTempSubdirectory("slipway-e2e-artifact-").FullName;

    public void Dispose() => Directory.Delete(_artifact, recursive: true);

    [Fact]
    public async Task An_artifact_holding_a_named_pipe_is_refused_naming_it_while_the_server_goes_on_applying_and_rolling_out()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        File.WriteAllText(Path.Combine(_artifact, "run.sh"), "exec sleep 300\n");
        var fifo = Path.Combine(_artifact, "control.pipe");
        MakeFifo(fifo);
        try
        {
            var file = cluster.WriteSpec("broken.yaml", ScriptSpec("broken", "exec sleep 300"));
            var broken = cluster.CliAsync("apply", "-f", file);

            // Meanwhile an apply (which needs the control-plane lock) goes through, and the reconcile loop rolls it out.
            await cluster.ApplyAsync(SlipwayCluster.SampleSpec("good", "v1", Strategies.Rolling, replicas: 1));
            await cluster.WaitForStatusAsync("good", s => s.Phase == "Healthy", "the other app rolled out");

            var (exit, _, stderr) = await broken.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(1, exit);
            Assert.Contains($"{file}:7:11: spec.artifact.path: {fifo} is a named pipe (FIFO)", stderr);
            Assert.Contains("nothing was applied", stderr);
            using var missing = await cluster.Api.GetAsync("api/v1/apps/broken/dev");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            // Opening it read-write never blocks and releases any reader stuck on it (the defect this test is about).
            using (new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite))
            {
            }
        }
    }

    [Fact]
    public async Task What_an_instance_writes_or_deletes_in_its_working_directory_changes_neither_the_stored_artifact_nor_another_instance()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        File.WriteAllText(Path.Combine(_artifact, "keep.txt"), "keep\n");

        // Each instance changes its working directory, then says where it ran.
        await cluster.ApplyAsync(ScriptSpec("scribble", "echo scribbled > new.txt; rm keep.txt; echo $PWD > done; exec sleep 300", replicas: 2));

        var workdirs = Path.Combine(cluster.DataDirectory, "workdirs");
        var done = await Eventually.WaitAsync(
            () => Task.FromResult(Directory.Exists(workdirs) ? Directory.GetFiles(workdirs, "done", SearchOption.AllDirectories) : []),
            files => files.Length == 2,
            TimeSpan.FromSeconds(120),
            "both instances ran their script");

        Assert.Equal(2, done.Select(f => File.ReadAllText(f).Trim()).Distinct().Count());
        var stored = Assert.Single(Directory.GetDirectories(Path.Combine(cluster.DataDirectory, "artifacts")));
        Assert.Equal("keep\n", File.ReadAllText(Path.Combine(stored, "keep.txt")));
        Assert.False(File.Exists(Path.Combine(stored, "new.txt")));
        Assert.Equal("keep\n", File.ReadAllText(Path.Combine(_artifact, "keep.txt")));
    }

    private string ScriptSpec(string name, string script, int replicas = 1) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}
        spec:
          artifact:
            path: {_artifact}
          command: /bin/sh
          args: [-c, "{script}"]
          replicas: {replicas}
        """;

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
