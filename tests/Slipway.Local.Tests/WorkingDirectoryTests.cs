using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// Each instance runs in its own copy of its artifact: what one instance writes or deletes there changes neither the
/// artifact nor another instance's files, and a new instance starts from the artifact as it was built. (The tests run
/// as root, for whom mode bits protect nothing: the copy is what protects.)
/// </summary>
public sealed class WorkingDirectoryTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Writes, overwrites and deletes in its working directory, then says it is done.
    private const string Vandal = "echo scribbled > new.txt; echo changed > config.txt; rm keep.txt; rm -r static; echo $PWD > done; exec sleep 300";

    private readonly SupervisorHarness _harness = new(output);

    private string Artifact => _harness.WorkDirectory;

    public Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(Artifact, "config.txt"), "original\n");
        File.WriteAllText(Path.Combine(Artifact, "keep.txt"), "keep\n");
        Directory.CreateDirectory(Path.Combine(Artifact, "static"));
        File.WriteAllText(Path.Combine(Artifact, "static", "index.html"), "<h1>hi</h1>\n");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_instance_that_changes_its_working_directory_changes_neither_the_artifact_nor_another_instance()
    {
        var quiet = _harness.Supervisor.Start(_harness.Shell("quiet-1", "echo $PWD > done; exec sleep 300"));
        var vandal = _harness.Supervisor.Start(_harness.Shell("vandal-1", Vandal));
        await WaitDoneAsync(quiet);
        await WaitDoneAsync(vandal);

        // The vandal ran in its own copy and changed it.
        Assert.Equal(vandal.WorkingDirectory, File.ReadAllText(Path.Combine(vandal.WorkingDirectory, "done")).Trim());
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(vandal.WorkingDirectory, "config.txt")));
        Assert.False(File.Exists(Path.Combine(vandal.WorkingDirectory, "keep.txt")));

        // Nothing else changed.
        AssertOriginal(Artifact);
        Assert.Equal(quiet.WorkingDirectory, File.ReadAllText(Path.Combine(quiet.WorkingDirectory, "done")).Trim());
        AssertOriginal(quiet.WorkingDirectory);

        // A new instance starts from the artifact as built.
        var fresh = _harness.Supervisor.Start(_harness.Shell("fresh-1", "echo $PWD > done; exec sleep 300"));
        await WaitDoneAsync(fresh);
        AssertOriginal(fresh.WorkingDirectory);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_copy_keeps_executables_and_symlinks_and_is_writable_by_the_instance()
    {
        File.WriteAllText(Path.Combine(Artifact, "run.sh"), "#!/bin/sh\necho ran > ran.txt\nexec sleep 300\n");
        File.SetUnixFileMode(Path.Combine(Artifact, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.Combine(Artifact, "config.txt"), UnixFileMode.UserRead);
        File.CreateSymbolicLink(Path.Combine(Artifact, "site"), "static");

        var instance = _harness.Supervisor.Start(_harness.Shell("exec-1", "exec ./run.sh"));
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(instance.WorkingDirectory, "ran.txt")), "run.sh ran from the copy");

        Assert.True(File.GetUnixFileMode(Path.Combine(instance.WorkingDirectory, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.True(File.GetUnixFileMode(Path.Combine(instance.WorkingDirectory, "config.txt")).HasFlag(UnixFileMode.UserWrite));
        Assert.Equal("static", new FileInfo(Path.Combine(instance.WorkingDirectory, "site")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(Artifact, "ran.txt")));
    }

    [Fact]
    public async Task The_copy_is_kept_across_restarts_and_adoption_and_removed_when_the_instance_is_stopped()
    {
        // Counts its runs in its working directory, and crashes on the first.
        var instance = _harness.Supervisor.Start(_harness.Shell("keeper-1", "echo run >> runs.txt; [ $(wc -l < runs.txt) -ge 2 ] || exit 3; exec sleep 300"));
        await Eventually.TrueAsync(() => RunsIn(instance.WorkingDirectory) == 2 && instance.Status.Restarts == 1, $"restarted once in the same copy (now {instance.Status})");
        var pid = instance.Status.Pid;

        await _harness.Supervisor.DisposeAsync();
        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));

        Assert.Equal(pid, adopted.Status.Pid);
        Assert.Equal(instance.WorkingDirectory, adopted.WorkingDirectory);
        Assert.Equal(2, RunsIn(adopted.WorkingDirectory));

        await second.StopAsync(adopted, CancellationToken.None);

        Assert.False(Directory.Exists(adopted.WorkingDirectory), "the copy is removed with the instance");
        AssertOriginal(Artifact);
    }

    [Fact]
    public async Task A_copy_left_by_an_instance_no_longer_recorded_is_removed_on_adoption()
    {
        var orphan = Path.Combine(_harness.DataDirectory, "workdirs", "gone-1");
        Directory.CreateDirectory(orphan);
        File.WriteAllText(Path.Combine(orphan, "state"), "left behind");
        var instance = _harness.Supervisor.Start(_harness.Shell("kept-1", "echo $PWD > done; exec sleep 300"));
        await WaitDoneAsync(instance);
        await _harness.Supervisor.DisposeAsync();

        var adopted = Assert.Single(await _harness.NewSupervisor().AdoptAllAsync(CancellationToken.None));

        Assert.False(Directory.Exists(orphan));
        Assert.True(File.Exists(Path.Combine(adopted.WorkingDirectory, "done")));
    }

    private static async Task WaitDoneAsync(Instance instance) =>
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(instance.WorkingDirectory, "done")), $"{instance} has run its script (now {instance.Status})");

    private static int RunsIn(string directory)
    {
        var path = Path.Combine(directory, "runs.txt");
        return File.Exists(path) ? File.ReadAllLines(path).Length : 0;
    }

    private static void AssertOriginal(string directory)
    {
        Assert.Equal("original\n", File.ReadAllText(Path.Combine(directory, "config.txt")));
        Assert.Equal("keep\n", File.ReadAllText(Path.Combine(directory, "keep.txt")));
        Assert.Equal("<h1>hi</h1>\n", File.ReadAllText(Path.Combine(directory, "static", "index.html")));
        Assert.False(File.Exists(Path.Combine(directory, "new.txt")), $"{directory} holds new.txt");
    }
}
