using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Docker.Build;
using Slipway.Docker.Lint;
using Slipway.Server.Build;
using Slipway.Server.Tests.Support;
using Slipway.Store;
using Xunit.Abstractions;

namespace Slipway.Server.Tests.Build;

/// <summary>
/// <c>slipway build</c> end to end: a Dockerfile in a real git repository, built by a real server (in this process) on
/// the real Docker Engine, pushed to a real registry (docker-registry on 18000–18099), through the real CLI as a process
/// and through the API; what the registry then holds is read back from it, what the store recorded from the store.
/// </summary>
public sealed class BuildTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Remote = "https://ci:s3cret-token@git.example.com/acme/web.git";

    private readonly TemporaryDirectory _repo = new();
    private readonly List<string> _built = [];
    private TestEngine _engine = null!;
    private BuildRegistry _registry = null!;
    private InProcessServer _server = null!;

    private SlipwayCli Cli => new($"http://{_server.Options.ApiListen}", _server.Options.DataDirectory, _repo.Path);

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.ConnectAsync();
        _registry = await BuildRegistry.StartAsync();
        _server = await InProcessServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _engine.RemoveAsync(_built);
        }
        finally
        {
            await _server.DisposeAsync();
            _registry.Dispose();
            _engine.Dispose();
            _repo.Dispose();
        }
    }

    [Fact]
    public async Task A_tagged_commit_built_with_the_CLI_is_pushed_under_every_name_with_its_labels_and_recorded_as_a_release_artifact()
    {
        var commit = Commit("FROM slipway/busybox:test\nCOPY www/ /www/\n", tag: "v1.2.3");
        var repository = $"{_registry.Host}/acme/web";
        string[] tags = [commit, commit[..7], "main", "1.2.3"];
        Forget(repository, tags);

        var (exitCode, stdout, stderr) = await Cli.RunAsync("build", "--context", _repo.Path, "--repo", repository);
        output.WriteLine(stdout + stderr);

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        // The engine's output came through, then the lint's warning for a root image, then the summary.
        Assert.Contains("Step 1/3 : FROM slipway/busybox:test\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Step 2/3 : COPY www/ /www/\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Dockerfile: warn: RunsAsRoot: the image runs as root (no USER instruction)", stdout, StringComparison.Ordinal);
        var image = Field(stdout, "image:");
        Assert.StartsWith(repository + "@sha256:", image, StringComparison.Ordinal);
        var digest = image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..];
        Assert.Equal(string.Join(", ", tags), Field(stdout, "tags:"));
        Assert.Equal($"by {SlipwayCli.Actor}, as a release artifact: artifact: {{image: {image}}}", Field(stdout, "recorded:"));

        // The registry has every tag, each naming the digest the build answered, with the OCI labels from git (the
        // remote's credentials left out).
        Assert.Equal(tags.Order(), (await _registry.TagsAsync("acme/web")).Order());
        foreach (var tag in tags)
        {
            var (tagDigest, labels) = await _registry.ManifestAsync("acme/web", tag);
            Assert.Equal(digest, tagDigest);
            Assert.Equal(commit, labels[ImageTags.RevisionLabel]);
            Assert.Equal("https://git.example.com/acme/web.git", labels[ImageTags.SourceLabel]);
            Assert.Equal("1.2.3", labels[ImageTags.VersionLabel]);
            Assert.True(DateTimeOffset.TryParse(labels[ImageTags.CreatedLabel], out _));
        }

        Assert.DoesNotContain("s3cret-token", stdout + stderr, StringComparison.Ordinal);

        // The store knows the image by digest, built by the CLI's actor, with where it came from and what the lint said.
        var record = Assert.Single(await (await Store()).ListImagesAsync(digest, CancellationToken.None));
        Assert.Equal((repository, BuildService.Origin, SlipwayCli.Actor), (record.Name, record.Origin, record.RecordedBy));
        Assert.Equal(tags, record.Tags);
        var details = JsonSerializer.Deserialize<BuiltImageDetails>(record.Details, SlipwayJson.Options)!;
        Assert.Equal((commit, "main", "1.2.3", false), (details.Commit, details.Branch, details.Version, details.Dirty));
        Assert.Equal(commit, details.Labels[ImageTags.RevisionLabel]);
        Assert.Contains(details.Lint, f => f is { Rule: "RunsAsRoot", Level: "warn" });

        // The same commit again, for a script: the engine's cache answers, the digest is the same, the progress goes to
        // stderr and stdout holds the API's document alone.
        var (againExit, json, progress) = await Cli.RunAsync("build", "--repo", repository, "-o", "json");
        Assert.True(againExit == 0, $"exit {againExit}: {progress}");
        Assert.Contains("Step 2/3 : COPY www/ /www/\n", progress, StringComparison.Ordinal);
        var again = JsonSerializer.Deserialize<BuiltImageView>(json, SlipwayJson.Options)!;
        Assert.Equal(image, again.Image);
        Assert.Equal(tags, again.Tags);
    }

    [Fact]
    public async Task Through_the_API_a_build_streams_its_progress_line_by_line_and_ends_with_what_was_pushed()
    {
        var commit = Commit("FROM slipway/busybox:test\nUSER 10001\nCOPY www/ /www/\n");
        var repository = $"{_registry.Host}/acme/api";
        string[] tags = [commit, commit[..7], "main", "extra"];
        Forget(repository, tags);
        var request = new BuildRequest(_repo.Path, repository, Tags: ["extra"], Lint: new BuildLint(UnpinnedBase: LintLevel.Off), Actor: "api-test");

        using var message = _server.Authorized(HttpMethod.Post, "/api/v1/builds");
        message.Content = JsonContent.Create(request, options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BuildEvents.MediaType, response.Content.Headers.ContentType?.MediaType);
        var events = new List<JsonElement>();
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                output.WriteLine(line);
                events.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        // started, the engine's output as it came, then the result, last.
        Assert.Equal(BuildEvents.Started, Type(events[0]));
        Assert.Equal(16, events[0].GetProperty("id").GetString()!.Length);
        Assert.All(events.Skip(1).SkipLast(1), e => Assert.Equal(BuildEvents.Output, Type(e)));
        Assert.Contains(events, e => e.TryGetProperty("line", out var l) && l.GetString() == "Step 3/4 : COPY www/ /www/");
        Assert.Equal(BuildEvents.Result, Type(events[^1]));
        var image = events[^1].GetProperty("image").Deserialize<BuiltImageView>(SlipwayJson.Options)!;

        var (registryDigest, _) = await _registry.ManifestAsync("acme/api", "extra");
        Assert.Equal($"{repository}@{registryDigest}", image.Image);
        Assert.Equal((repository, registryDigest), (image.Repository, image.Digest));
        Assert.Equal(tags, image.Tags);
        Assert.Equal(commit, image.Git!.Commit);
        Assert.Empty(image.Lint); // not root, and the base's rule is off
        Assert.Equal("api-test", image.RecordedBy);
        Assert.Single(await (await Store()).ListImagesAsync(registryDigest, CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_RUN_step_exits_non_zero_naming_the_step_and_its_Dockerfile_line_and_pushes_nothing()
    {
        var step = $"echo compiling-{Guid.NewGuid():N} && exit 3";
        Commit($"FROM slipway/busybox:test\n\nRUN {step}\nCOPY www/ /www/\n");
        var repository = $"{_registry.Host}/acme/failing";

        var (exitCode, stdout, stderr) = await Cli.RunAsync("build", "--repo", repository);
        output.WriteLine(stdout + stderr);

        Assert.Equal(1, exitCode);
        Assert.Contains("compiling-", stdout, StringComparison.Ordinal); // the step's own output, before it failed
        Assert.Equal($"error: Dockerfile:3: step 2/4 (RUN {step}) failed: The command '/bin/sh -c {step}' returned a non-zero code: 3", stderr.Trim());
        Assert.Empty(await _registry.TagsAsync("acme/failing"));
        Assert.Empty(await (await Store()).ListImagesAsync(null, CancellationToken.None));
        Assert.DoesNotContain(await _engine.ContainerCommandsAsync(), c => c.Contains(step, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lint_rule_set_to_fail_stops_the_build_before_the_push_naming_the_finding()
    {
        var commit = Commit("FROM slipway/busybox:test\nCOPY www/ /www/\n");
        var repository = $"{_registry.Host}/acme/root";
        Forget(repository, [commit, commit[..7], "main"]);

        var (exitCode, stdout, stderr) = await Cli.RunAsync("build", "--repo", repository, "--lint-root", "fail", "--lint-base", "off");
        output.WriteLine(stdout + stderr);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: the image lint failed, so sha256:", stderr, StringComparison.Ordinal);
        Assert.Contains("was not pushed:\n  Dockerfile: fail: RunsAsRoot: the image runs as root (no USER instruction)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("UnpinnedBase", stdout + stderr, StringComparison.Ordinal);
        Assert.Empty(await _registry.TagsAsync("acme/root"));
        Assert.Empty(await (await Store()).ListImagesAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Ctrl_C_in_the_middle_of_a_build_cancels_it_on_the_server_leaves_no_container_and_pushes_nothing()
    {
        var marker = "step-started-" + Guid.NewGuid().ToString("N");
        Commit($"FROM slipway/busybox:test\nRUN echo {marker} && sleep 300\nCOPY www/ /www/\n");
        var repository = $"{_registry.Host}/acme/cancelled";

        using var build = Cli.Start("build", "--repo", repository);
        await Eventually.TrueAsync(() => build.Stdout.Contains(marker + "\n", StringComparison.Ordinal), "the RUN step to have started", TimeSpan.FromMinutes(2));
        Assert.Contains(await _engine.ContainerCommandsAsync(), c => c.Contains(marker, StringComparison.Ordinal));
        build.Interrupt();
        var exitCode = await build.WaitAsync(TimeSpan.FromMinutes(1));
        output.WriteLine(build.Stdout + build.Stderr);

        // The CLI waited for the server to say how the build ended, well before the step's 300 s.
        Assert.Equal(130, exitCode);
        Assert.Contains("the build was cancelled: nothing was pushed", build.Stderr, StringComparison.Ordinal);
        Assert.Empty(await _registry.TagsAsync("acme/cancelled"));
        Assert.Empty(await (await Store()).ListImagesAsync(null, CancellationToken.None));
        // The engine killed and removed the step's container.
        await Eventually.TrueAsync(
            async () => !(await _engine.ContainerCommandsAsync()).Any(c => c.Contains(marker, StringComparison.Ordinal)),
            "the cancelled step's container to be gone");
    }

    /// <summary>
    /// Writes <paramref name="dockerfile"/> and a www/index.html into a new git repository on branch main, with an origin
    /// whose URL carries credentials, commits them (tagged <paramref name="tag"/> when given) and returns the commit.
    /// </summary>
    private string Commit(string dockerfile, string? tag = null)
    {
        _repo.WriteFile("Dockerfile", dockerfile);
        _repo.WriteFile("www/index.html", "hello from a build test\n");
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "the site");
        Git("remote", "add", "origin", Remote);
        if (tag is not null)
        {
            Git("tag", tag);
        }

        return Git("rev-parse", "HEAD");
    }

    private string Git(params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _repo.Path };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in new[] { ("GIT_AUTHOR_NAME", "Build Test"), ("GIT_AUTHOR_EMAIL", "build@test"), ("GIT_COMMITTER_NAME", "Build Test"), ("GIT_COMMITTER_EMAIL", "build@test") })
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {errors}");
        return text.Trim();
    }

    /// <summary>The engine's tags a test's build leaves behind, removed at its end.</summary>
    private void Forget(string repository, IEnumerable<string> tags) => _built.AddRange(tags.Select(t => $"{repository}:{t}"));

    private async Task<SqliteStore> Store() => await SqliteStore.OpenAsync(_server.Options.StorePath, TimeProvider.System, CancellationToken.None);

    /// <summary>The text after <paramref name="name"/> on the summary line that starts with it.</summary>
    private static string Field(string text, string name) =>
        text.Split('\n').Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();

    private static string? Type(JsonElement e) => e.GetProperty("type").GetString();
}
