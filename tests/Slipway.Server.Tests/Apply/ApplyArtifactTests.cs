using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Apply;

/// <summary>
/// Applying a spec whose artifact directory is large or broken: reading it happens outside the control-plane lock,
/// within bounds, and anything an artifact may not hold is refused with an error naming it, at the line of
/// <c>spec.artifact.path</c>. A refused file saves nothing.
/// </summary>
public sealed class ApplyArtifactTests : IAsyncLifetime
{
    private const string FileName = "apps/web.yaml";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly TemporaryDirectory _temp = new();
    private readonly ControlPlaneLock _gate = new();
    private SqliteStore _store = null!;

    private static CancellationToken Ct => CancellationToken.None;

    // Named like the app: a guess by text search would point at "name: web", not at the path.
    private string ArtifactDirectory => _temp.Combine("build", "web");

    private string DataDirectory => _temp.Combine("data");

    public async Task InitializeAsync()
    {
        _temp.WriteFile("build/web/app.dll", "code v1");
        _store = await SqliteStore.OpenAsync(_temp.Combine("data", "slipway.db"), TimeProvider.System, Ct);
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_named_pipe_in_the_artifact_is_refused_naming_it_while_the_control_plane_lock_is_held_elsewhere()
    {
        var fifo = SpecialFiles.Fifo(Path.Combine(ArtifactDirectory, "run", "control.pipe"));
        try
        {
            ApplyOutcome outcome;

            // As during a long reconcile pass: the apply must not need the lock to refuse the artifact.
            using (await _gate.AcquireAsync(new AppKey("web", "dev"), Ct))
            {
                outcome = await ApplyAsync(Spec()).WaitAsync(Deadline);
            }

            var error = Assert.Single(outcome.Errors);
            Assert.Equal((FileName, PathLine(Spec()), "spec.artifact.path"), (error.File, error.Line, error.Path));
            Assert.Contains($"{fifo} is a named pipe (FIFO)", error.Message, StringComparison.Ordinal);
            await AssertNothingSavedAsync();
        }
        finally
        {
            SpecialFiles.Release(fifo); // a reader stuck on it (the defect) would otherwise never finish
        }
    }

    [Fact]
    public async Task An_apply_hashes_and_copies_its_artifact_while_the_control_plane_lock_is_held_elsewhere()
    {
        await File.WriteAllBytesAsync(Path.Combine(ArtifactDirectory, "data.bin"), new byte[32 * 1024 * 1024]);
        var service = Service();
        Task<ApplyOutcome> apply;
        using (await _gate.AcquireAsync(new AppKey("web", "dev"), Ct))
        {
            apply = service.ApplyAsync(Request(Spec()), dryRun: false, Ct);

            // The copy lands in the store while the lock is still held by someone else: ingestion does not take it.
            await Eventually(() => StoredArtifacts().Count == 1, "the artifact copied into the store");
            Assert.False(apply.IsCompleted, "the save waits for the lock");
            Assert.Null(await _store.GetAppAsync("web", "dev", Ct));
        }

        var outcome = await apply.WaitAsync(Deadline);
        Assert.Empty(outcome.Errors);
        Assert.Equal(1, (await _store.GetAppAsync("web", "dev", Ct))?.DesiredRevision);
    }

    [Fact]
    public async Task A_symlink_leaving_the_artifact_is_refused_naming_it()
    {
        _temp.WriteFile("secrets/token", "s3cret");
        File.CreateSymbolicLink(Path.Combine(ArtifactDirectory, "token"), "../../secrets/token");

        var outcome = await ApplyAsync(Spec());

        var error = Assert.Single(outcome.Errors);
        Assert.Equal((PathLine(Spec()), "spec.artifact.path"), (error.Line, error.Path));
        Assert.Contains($"{Path.Combine(ArtifactDirectory, "token")} is a symlink to '../../secrets/token', which leads outside the artifact directory", error.Message, StringComparison.Ordinal);
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task An_artifact_over_the_size_limit_is_refused_naming_the_limit()
    {
        await File.WriteAllBytesAsync(Path.Combine(ArtifactDirectory, "data.bin"), new byte[2048]);

        var outcome = await Service(new ArtifactLimits(1024, ArtifactLimits.DefaultTimeout)).ApplyAsync(Request(Spec()), dryRun: false, Ct);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal((PathLine(Spec()), "spec.artifact.path"), (error.Line, error.Path));
        Assert.Contains($"{ArtifactDirectory} holds more than 1 KiB of files, the limit for an artifact", error.Message, StringComparison.Ordinal);
        await AssertNothingSavedAsync();
        Assert.Empty(StoredArtifacts());
    }

    [Fact]
    public async Task An_artifact_path_that_does_not_exist_is_refused_at_its_line()
    {
        Directory.Delete(ArtifactDirectory, recursive: true);

        var error = Assert.Single((await ApplyAsync(Spec())).Errors);

        Assert.Equal((PathLine(Spec()), 11, "spec.artifact.path"), (error.Line, error.Column, error.Path));
        Assert.Equal($"directory '{ArtifactDirectory}' does not exist", error.Message);
    }

    [Fact]
    public async Task An_artifact_path_that_is_a_file_is_refused_at_its_line()
    {
        var file = _temp.WriteFile("build/web.zip", "PK");

        var error = Assert.Single((await ApplyAsync(Spec(artifact: file))).Errors);

        Assert.Equal((PathLine(Spec(artifact: file)), "spec.artifact.path"), (error.Line, error.Path));
        Assert.Contains($"'{file}' is a file, not a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_artifact_path_that_is_a_symlink_loop_is_refused_at_its_line()
    {
        var loop = _temp.Combine("build", "current");
        File.CreateSymbolicLink(loop, "next");
        File.CreateSymbolicLink(_temp.Combine("build", "next"), "current");

        var error = Assert.Single((await ApplyAsync(Spec(artifact: loop))).Errors);

        Assert.Equal((PathLine(Spec(artifact: loop)), "spec.artifact.path"), (error.Line, error.Path));
        Assert.Equal($"'{loop}' is a symlink loop: it never leads to a directory", error.Message);
    }

    [Fact]
    public async Task An_artifact_path_that_is_a_symlink_to_a_directory_is_followed()
    {
        var current = _temp.Combine("build", "current");
        File.CreateSymbolicLink(current, "web");

        var outcome = await ApplyAsync(Spec(artifact: current));

        Assert.Empty(outcome.Errors);
    }

    [Fact]
    public async Task Every_document_using_a_broken_artifact_gets_the_error_at_its_own_line()
    {
        var fifo = SpecialFiles.Fifo(Path.Combine(ArtifactDirectory, "control.pipe"));
        try
        {
            var yaml = Spec() + "---\n" + Spec(environment: "staging");

            var errors = (await ApplyAsync(yaml)).Errors;

            Assert.Equal([PathLine(Spec()), PathLine(Spec()) + 1 + Spec().Split('\n').Length - 1], errors.Select(e => e.Line));
            Assert.All(errors, e => Assert.Contains("named pipe", e.Message, StringComparison.Ordinal));
        }
        finally
        {
            SpecialFiles.Release(fifo);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_store_copy_is_read_only_and_keeps_executables_and_symlinks()
    {
        _temp.WriteFile("build/web/bin/tool", "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(ArtifactDirectory, "bin", "tool"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(ArtifactDirectory, "current"), "bin");

        Assert.Empty((await ApplyAsync(Spec())).Errors);

        var copy = Assert.Single(StoredArtifacts());
        var writeBits = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        foreach (var path in Directory.EnumerateFileSystemEntries(copy, "*", SearchOption.AllDirectories).Append(copy))
        {
            if (new FileInfo(path).LinkTarget is null)
            {
                Assert.True((File.GetUnixFileMode(path) & writeBits) == 0, $"{path} has write bits: {File.GetUnixFileMode(path)}");
            }
        }

        Assert.True(File.GetUnixFileMode(Path.Combine(copy, "bin", "tool")).HasFlag(UnixFileMode.UserExecute));
        Assert.False(File.GetUnixFileMode(Path.Combine(copy, "app.dll")).HasFlag(UnixFileMode.UserExecute));
        Assert.Equal("bin", new FileInfo(Path.Combine(copy, "current")).LinkTarget);
        var revision = Assert.Single(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.Equal(revision.Template.Artifact.Digest, await ArtifactDigest.ComputeAsync(copy, Ct));
    }

    [Fact]
    public async Task The_requested_environment_is_where_documents_without_one_deploy()
    {
        var outcome = await Service().ApplyAsync(Request(Spec(environment: null)) with { Environment = "prod" }, dryRun: false, Ct);

        Assert.Equal(("web", "prod"), (Assert.Single(outcome.Applied).App, outcome.Applied[0].Environment));
        Assert.NotNull(await _store.GetAppAsync("web", "prod", Ct));
        Assert.Null(await _store.GetAppAsync("web", "dev", Ct));
    }

    [Fact]
    public async Task A_document_naming_another_environment_than_the_requested_one_is_refused_and_nothing_is_saved()
    {
        var outcome = await Service().ApplyAsync(Request(Spec(environment: "dev")) with { Environment = "prod" }, dryRun: false, Ct);

        var error = Assert.Single(outcome.Errors);
        Assert.Equal((5, "metadata.environment"), (error.Line, error.Path));
        await AssertNothingSavedAsync();
        Assert.Empty(await _store.ListAppsAsync(Ct));
    }

    [Fact]
    public async Task A_spec_larger_than_the_limit_is_refused_naming_the_limit()
    {
        var yaml = Spec() + "# " + new string('x', SpecText.MaxBytes) + "\n";

        var error = Assert.Single((await ApplyAsync(yaml)).Errors);

        Assert.Equal("(file)", error.Path);
        Assert.Contains("a spec file may be at most 1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_already_used_by_another_app_is_reported_at_the_line_of_its_host()
    {
        Assert.Empty((await ApplyAsync(Spec(app: "shop", extra: "  route: {host: shop.dev.localhost}\n"))).Errors);
        var yaml = Spec(extra: "  route:\n    pathPrefix: /\n    host: shop.dev.localhost\n");

        var error = Assert.Single((await ApplyAsync(yaml)).Errors);

        Assert.Equal((Line(yaml, "host: shop"), "spec.route"), (error.Line, error.Path));
    }

    private ApplyService Service(ArtifactLimits? limits = null)
    {
        var options = new ServerOptions(DataDirectory) { Artifacts = limits ?? ArtifactLimits.Default };
        return ApplyServices.Create(_store, new ArtifactStore(options), _gate, TimeProvider.System, new WorkQueue(TimeProvider.System), options);
    }

    private Task<ApplyOutcome> ApplyAsync(string yaml) => Service().ApplyAsync(Request(yaml), dryRun: false, Ct);

    private ApplyRequest Request(string yaml) => new(FileName, yaml, _temp.Path);

    private List<string> StoredArtifacts()
    {
        var store = Path.Combine(DataDirectory, "artifacts");
        return Directory.Exists(store)
            ? [.. Directory.EnumerateDirectories(store).Where(d => !d.Contains(".partial-", StringComparison.Ordinal))]
            : [];
    }

    private async Task AssertNothingSavedAsync()
    {
        Assert.Empty(await _store.ListAppsAsync(Ct));
        Assert.Empty(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.True((await _store.GetStatusAsync("web", "dev", Ct)).IsEquivalentTo(RolloutStatus.Empty));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    private string Spec(string app = "web", string? environment = "dev", string? artifact = null, string extra = "") =>
        $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}{(environment is null ? "" : $"\n  environment: {environment}")}
        spec:
          command: dotnet
          args: [app.dll]
          artifact:
            path: {artifact ?? ArtifactDirectory}
        {extra}
        """ + "\n";

    private static int PathLine(string yaml) => Line(yaml, "path:");

    private static int Line(string yaml, string contains) =>
        Array.FindIndex(yaml.Split('\n'), l => l.Contains(contains, StringComparison.Ordinal)) + 1;
}
