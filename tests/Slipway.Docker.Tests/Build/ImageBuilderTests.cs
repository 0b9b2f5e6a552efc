using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Slipway.Docker.Build;
using Slipway.Docker.Images;
using Slipway.Docker.Lint;
using Slipway.Docker.Tests.Support;
using Slipway.Oci;

namespace Slipway.Docker.Tests.Build;

/// <summary>slipway build against the real engine and a real registry: what lands where, under which names.</summary>
public sealed class ImageBuilderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _repo = new();
    private readonly List<string> _images = [];
    private DockerEngine _engine = null!;
    private RegistryProcess _registry = null!;

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.ConnectAsync();
        _registry = await RegistryProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            // Newest first: an image built FROM an earlier one must go before it.
            foreach (var image in Enumerable.Reverse(_images))
            {
                await _engine.Images.RemoveAsync(image, force: true, CancellationToken.None);
            }
        }
        finally
        {
            _engine.Dispose();
            _registry.Dispose();
            _repo.Dispose();
        }
    }

    [Fact]
    public async Task A_dockerfile_is_built_tagged_from_git_labelled_and_pushed_and_the_digest_is_the_registry_s()
    {
        _repo.Write("Dockerfile", """
            FROM slipway/busybox:test
            ARG GREETING=unset
            COPY . /ctx/
            RUN ["sh", "-c", "test -f /ctx/www/index.html && test ! -e /ctx/secret.txt && test ! -e /ctx/logs && echo context-ok greeting=$GREETING"]
            COPY www/ /www/
            """);
        _repo.Write(".dockerignore", "secret.txt\nlogs/\n");
        _repo.Write("www/index.html", "hello from the image\n");
        _repo.Write("secret.txt", "not for the image");
        _repo.Write("logs/today.log", "noise");
        var commit = CommitAndTag("feature/login", "v1.2.3", "https://ci:token@git.example.com/acme/web.git");
        var repository = ImageReference.Parse($"{_registry.Host}/acme/web");
        var lines = new List<string>();

        var built = await new ImageBuilder(_engine, new FakeTimeProvider(Now)).BuildAsync(
            new ImageBuildOptions(_repo.Path, repository, BuildArgs: new Dictionary<string, string> { ["GREETING"] = "hello" }),
            line => { lines.Add(line); output.WriteLine(line); },
            CancellationToken.None);
        _images.Add(built.ImageId);

        // The output came line by line, the .dockerignore kept secret.txt and logs/ out, and the end says what was pushed.
        Assert.Contains(lines, l => l.StartsWith("Step 1/", StringComparison.Ordinal) && l.EndsWith(" : FROM slipway/busybox:test", StringComparison.Ordinal));
        Assert.Contains("context-ok greeting=hello", lines);
        Assert.Equal($"built and pushed {built.Pushed}", lines[^1]);

        string[] tags = [commit, commit[..7], "feature-login", "1.2.3"];
        Assert.Equal(tags, built.Tags);
        var digest = built.Pushed!.Digest!;
        Assert.Equal($"{_registry.Host}/acme/web@{digest}", built.Pushed.ToString());

        // Through the engine: every tag, the repo digest, the labels.
        var image = (await _engine.Images.InspectAsync(built.ImageId, CancellationToken.None))!;
        Assert.Equal(tags.Select(t => $"{_registry.Host}/acme/web:{t}").Order(), image.RepoTags.Order());
        Assert.Contains($"{_registry.Host}/acme/web@{digest}", image.RepoDigests);
        var expectedLabels = new Dictionary<string, string>
        {
            [ImageTags.RevisionLabel] = commit,
            [ImageTags.SourceLabel] = "https://git.example.com/acme/web.git",
            [ImageTags.CreatedLabel] = GitRevisionTests.CommitTime,
            [ImageTags.VersionLabel] = "1.2.3",
        };
        Assert.Equal(expectedLabels, image.Labels.Where(l => l.Key.StartsWith("org.opencontainers", StringComparison.Ordinal)).ToDictionary());

        // Through the registry: every tag names the same manifest, whose config carries the labels.
        Assert.Equal(tags.Order(), (await _registry.TagsAsync("acme/web")).Order());
        foreach (var tag in tags)
        {
            var (tagDigest, labels) = await _registry.ManifestAsync("acme/web", tag);
            Assert.Equal(digest.ToString(), tagDigest);
            Assert.Equal(expectedLabels, labels.Where(l => l.Key.StartsWith("org.opencontainers", StringComparison.Ordinal)).ToDictionary());
        }

        // And skopeo, an independent client, agrees on the digest.
        Assert.Contains($"\"Digest\": \"{digest}\"", Skopeo("inspect", "--tls-verify=false", $"docker://{_registry.Host}/acme/web:1.2.3"));

        // The same commit built again, later, is the same image: every step from the cache, the same digest.
        lines.Clear();
        var again = await new ImageBuilder(_engine, new FakeTimeProvider(Now.AddHours(1))).BuildAsync(
            new ImageBuildOptions(_repo.Path, repository, BuildArgs: new Dictionary<string, string> { ["GREETING"] = "hello" }), lines.Add, CancellationToken.None);
        Assert.Equal((built.ImageId, built.Pushed), (again.ImageId, again.Pushed));
        Assert.DoesNotContain(lines, l => l.StartsWith(" ---> Running in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_lint_flags_a_root_image_and_an_unpinned_base_at_their_lines_and_a_pinned_non_root_one_is_clean()
    {
        _repo.Write("Dockerfile", "FROM slipway/busybox:test\nCOPY www/ /www/\n");
        _repo.Write("www/index.html", "x\n");
        CommitAndTag("main", null, null);
        var repository = ImageReference.Parse($"{_registry.Host}/acme/base");
        var builder = new ImageBuilder(_engine, new FakeTimeProvider(Now));

        var root = await builder.BuildAsync(new ImageBuildOptions(_repo.Path, repository), output.WriteLine, CancellationToken.None);
        _images.Add(root.ImageId);

        Assert.Equal(
            [(LintRule.UnpinnedBase, LintLevel.Warn, (int?)1), (LintRule.RunsAsRoot, LintLevel.Warn, null)],
            root.Lint.Findings.Select(f => (f.Rule, f.Level, f.Line)));
        Assert.NotNull(root.Pushed); // warnings do not stop a push

        // FROM the image just pushed, by digest (the engine knows the digest from the push), as a non-root user.
        _repo.Write("Dockerfile", $"FROM {root.Pushed}\nUSER 10001\n");
        var clean = await builder.BuildAsync(
            new ImageBuildOptions(_repo.Path, ImageReference.Parse($"{_registry.Host}/acme/app"), Tags: ["clean"], Push: false),
            output.WriteLine,
            CancellationToken.None);
        _images.Add(clean.ImageId);

        Assert.Empty(clean.Lint.Findings);
        Assert.Null(clean.Pushed);
    }

    [Fact]
    public async Task A_lint_rule_at_fail_stops_the_push_and_names_the_line()
    {
        _repo.Write("Dockerfile", "FROM slipway/busybox:test\nUSER 10001\nENV DB_PASSWORD=hunter2\n");
        var repository = ImageReference.Parse($"{_registry.Host}/acme/leaky");

        var error = await Assert.ThrowsAsync<ImageLintException>(() => new ImageBuilder(_engine, TimeProvider.System).BuildAsync(
            new ImageBuildOptions(_repo.Path, repository, Tags: ["v1"]), output.WriteLine, CancellationToken.None));
        _images.Add(error.ImageId);

        Assert.Contains("Dockerfile:3: fail: SecretName: ENV DB_PASSWORD looks like a secret", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
        Assert.Empty(await _registry.TagsAsync("acme/leaky"));
    }

    [Fact]
    public async Task A_failing_step_is_named_with_the_engine_s_message()
    {
        _repo.Write("build/app.Dockerfile", "FROM slipway/busybox:test\nRUN echo compiling && exit 3\nCOPY missing /\n");

        var error = await Assert.ThrowsAsync<ImageBuildException>(() => _engine.Images.BuildAsync(
            new ImageBuildRequest(_repo.Path, "build/app.Dockerfile", Tags: ["slipway-test/failing:1"]), output.WriteLine, CancellationToken.None));

        Assert.Equal("step 2/3 (RUN echo compiling && exit 3)", error.Step);
        Assert.Equal("step 2/3 (RUN echo compiling && exit 3) failed: The command '/bin/sh -c echo compiling && exit 3' returned a non-zero code: 3", error.Message);
        Assert.Null(await _engine.Images.InspectAsync("slipway-test/failing:1", CancellationToken.None));
    }

    private string CommitAndTag(string branch, string? tag, string? remote)
    {
        GitRevisionTests.Git(_repo.Path, "init", "-q", "-b", branch);
        GitRevisionTests.Git(_repo.Path, "add", "-A");
        GitRevisionTests.Git(_repo.Path, "commit", "-q", "-m", "the image");
        if (tag is not null)
        {
            GitRevisionTests.Git(_repo.Path, "tag", tag);
        }

        if (remote is not null)
        {
            GitRevisionTests.Git(_repo.Path, "remote", "add", "origin", remote);
        }

        return GitRevisionTests.Git(_repo.Path, "rev-parse", "HEAD");
    }

    private static string Skopeo(params string[] args)
    {
        var info = new ProcessStartInfo("skopeo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"skopeo {string.Join(' ', args)}: {errors}");
        return text;
    }
}
