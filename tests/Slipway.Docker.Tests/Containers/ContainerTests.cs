using Slipway.Docker.Containers;
using Slipway.Docker.Tests.Support;
using Slipway.Oci;

namespace Slipway.Docker.Tests.Containers;

/// <summary>The operations the local target's container runtime uses, against the real engine.</summary>
public sealed class ContainerTests : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private readonly TempDirectory _dir = new();
    private DockerEngine _engine = null!;
    private RegistryProcess _registry = null!;

    private Dictionary<string, string> Labels => new() { ["slipway.test.run"] = _run, ["slipway.app"] = "web" };

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.ConnectAsync();
        _registry = await RegistryProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var container in await _engine.Containers.ListAsync(new Dictionary<string, string> { ["slipway.test.run"] = _run }, CancellationToken.None))
            {
                await _engine.Containers.RemoveAsync(container.Id, CancellationToken.None);
            }

            await _engine.Images.RemoveAsync($"{_registry.Host}/slipway/busybox:{_run}", force: false, CancellationToken.None);
            foreach (var image in await _engine.Images.InspectAsync(TestEngine.BusyboxImage, CancellationToken.None) is { } busybox ? busybox.RepoDigests : [])
            {
                if (image.StartsWith(_registry.Host + "/", StringComparison.Ordinal))
                {
                    await _engine.Images.RemoveAsync(image, force: false, CancellationToken.None);
                }
            }
        }
        finally
        {
            _engine.Dispose();
            _registry.Dispose();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task A_container_by_digest_serves_on_PORT_is_found_by_label_from_a_new_client_stops_on_SIGTERM_and_its_logs_read_back()
    {
        var image = await PushedBusyboxAsync();
        var port = TestPorts.Free();
        var spec = new ContainerSpec(
            image.ToString(),
            Name: "slipway-test-" + _run,
            Command: "sh",
            Args: ["-c", "echo listening on $PORT; echo warming up >&2; exec httpd -f -p 127.0.0.1:$PORT -h /www"],
            Environment: new Dictionary<string, string> { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Labels: Labels,
            StopSignal: "SIGINT");

        var id = await _engine.Containers.CreateAsync(spec, CancellationToken.None);
        await _engine.Containers.StartAsync(id, CancellationToken.None);
        await _engine.Containers.StartAsync(id, CancellationToken.None); // again: already running is fine

        var running = (await _engine.Containers.InspectAsync(id, CancellationToken.None))!;
        Assert.True(running.Running);
        Assert.True(running.Pid > 0);
        Assert.NotNull(running.StartedAt);
        Assert.Equal(image.ToString(), running.Image);
        Assert.Equal("web", running.Labels["slipway.app"]);
        Assert.Equal(("SIGINT", "no"), (running.StopSignal, running.RestartPolicy));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? body = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                body = await http.GetStringAsync($"http://127.0.0.1:{port}/");
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"the container serving on port {port}");
        Assert.Equal("ok\n", body);

        // A controller that restarted: a new client finds the container by its labels alone.
        _engine.Dispose();
        _engine = await TestEngine.ConnectAsync();
        var found = Assert.Single(await _engine.Containers.ListAsync(Labels, CancellationToken.None));
        Assert.Equal((id, "slipway-test-" + _run, true), (found.Id, found.Name, found.Running));

        Assert.True(await _engine.Containers.KillAsync(id, "SIGTERM", CancellationToken.None));
        var exit = await _engine.Containers.WaitAsync(id, CancellationToken.None);
        Assert.Equal(143, exit.ExitCode); // 128 + SIGTERM: the app ended on the signal, docker-init passed it on
        var stopped = (await _engine.Containers.InspectAsync(id, CancellationToken.None))!;
        Assert.Equal((false, "exited", 143, false, 0), (stopped.Running, stopped.Status, stopped.ExitCode, stopped.OomKilled, stopped.Pid));
        Assert.NotNull(stopped.FinishedAt);
        Assert.False(await _engine.Containers.KillAsync(id, "SIGKILL", CancellationToken.None));

        var entries = new List<ContainerLogEntry>();
        await foreach (var entry in _engine.Containers.ReadLogsAsync(id, new ContainerLogOptions(), CancellationToken.None))
        {
            entries.Add(entry);
        }

        // Two pipes: which line the engine read first is up to the scheduler, the stream each came on is not.
        Assert.Equal(
            [(ContainerLogStream.Stdout, $"listening on {port}\n"), (ContainerLogStream.Stderr, "warming up\n")],
            entries.Select(e => (e.Stream, e.Text)).OrderBy(e => e.Stream));
        Assert.All(entries, e => Assert.InRange(e.Time, running.StartedAt!.Value.AddSeconds(-5), stopped.FinishedAt!.Value));

        // Appended to a file, followed to the container's end; resumed from the last time, nothing is repeated.
        var log = Path.Combine(_dir.Path, "instance.log");
        await File.WriteAllTextAsync(log, "earlier line\n");
        var last = await _engine.Containers.AppendLogsAsync(id, log, new ContainerLogOptions(Follow: true), timestamps: false, CancellationToken.None);
        Assert.Equal(entries.Max(e => e.Time), last);
        var resumed = await _engine.Containers.AppendLogsAsync(id, log, new ContainerLogOptions(Since: last!.Value.AddTicks(1)), timestamps: false, CancellationToken.None);
        Assert.Null(resumed);
        var lines = await File.ReadAllLinesAsync(log);
        Assert.Equal("earlier line", lines[0]);
        Assert.Equal([$"listening on {port}", "warming up"], lines[1..].Order(StringComparer.Ordinal));

        Assert.True(await _engine.Containers.RemoveAsync(id, CancellationToken.None));
        Assert.False(await _engine.Containers.RemoveAsync(id, CancellationToken.None));
        Assert.Null(await _engine.Containers.InspectAsync(id, CancellationToken.None));
        Assert.Empty(await _engine.Containers.ListAsync(Labels, CancellationToken.None));
    }

    [Fact]
    public async Task A_followed_log_is_appended_live_and_the_image_s_command_runs_when_none_is_given()
    {
        var port = TestPorts.Free();
        var id = await _engine.Containers.CreateAsync(
            new ContainerSpec(TestEngine.BusyboxImage, Environment: new Dictionary<string, string> { ["PORT"] = $"{port}" }, Labels: Labels),
            CancellationToken.None);
        await _engine.Containers.StartAsync(id, CancellationToken.None);
        var log = Path.Combine(_dir.Path, "follow.log");
        using var stop = new CancellationTokenSource();
        var following = _engine.Containers.AppendLogsAsync(id, log, new ContainerLogOptions(Follow: true), timestamps: true, stop.Token);

        // The image's CMD serves /www on $PORT; httpd -v writes each answer to stderr ("127.0.0.1:40000: response:200"), which the follower appends.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await http.GetStringAsync($"http://127.0.0.1:{port}/index.html");
                return File.Exists(log) && (await File.ReadAllTextAsync(log)).Contains("response:200", StringComparison.Ordinal);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "a request's log line appended while the container runs");

        Assert.False(following.IsCompleted);
        await stop.CancelAsync();
        Assert.NotNull(await following);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ", await File.ReadAllTextAsync(log));

        // The engine's own graceful stop: the stop signal (SIGTERM by default), which httpd dies of, well within the grace.
        Assert.True(await _engine.Containers.StopAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(143, (await _engine.Containers.InspectAsync(id, CancellationToken.None))!.ExitCode);
        Assert.False(await _engine.Containers.StopAsync(id, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.True(await _engine.Containers.RemoveAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task An_image_the_engine_does_not_have_is_refused_saying_so()
    {
        var missing = $"{_registry.Host}/nothing/here@sha256:{new string('0', 64)}";

        var error = await Assert.ThrowsAsync<Slipway.Docker.Engine.DockerEngineException>(() =>
            _engine.Containers.CreateAsync(new ContainerSpec(missing, Labels: Labels), CancellationToken.None));

        Assert.StartsWith($"creating a container of {missing}: the engine does not have that image (pull it first)", error.Message);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
    }

    /// <summary>The busybox test image pushed to the test registry, removed from the engine and pulled back by digest.</summary>
    private async Task<ImageReference> PushedBusyboxAsync()
    {
        var tagged = ImageReference.Parse($"{_registry.Host}/slipway/busybox:{_run}");
        await _engine.Images.TagAsync(TestEngine.BusyboxImage, tagged, CancellationToken.None);
        var digest = await _engine.Images.PushAsync(tagged, null, null, CancellationToken.None);
        var byDigest = tagged with { Tag = null, Digest = digest };
        await _engine.Images.RemoveAsync(tagged.ToString(), force: false, CancellationToken.None);
        await _engine.Images.RemoveAsync(byDigest.ToString(), force: false, CancellationToken.None);
        Assert.Null(await _engine.Images.InspectAsync(byDigest.ToString(), CancellationToken.None));

        await _engine.Images.PullAsync(byDigest, null, null, CancellationToken.None);

        Assert.NotNull(await _engine.Images.InspectAsync(byDigest.ToString(), CancellationToken.None));
        return byDigest;
    }
}
