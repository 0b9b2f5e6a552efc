using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Slipway.Docker;
using Slipway.Docker.Engine;
using Slipway.Oci;

namespace Slipway.Local.Tests.Support;

/// <summary>
/// The busybox test image (scripts/base-image.sh busybox: httpd serving /www on $PORT) pushed to a real registry on a
/// loopback port, so that the engine knows it by digest, <c>127.0.0.1:PORT/busybox@sha256:…</c>, as a revision pins
/// an image. Disposing kills the registry, removes its storage and the engine's containers labelled by the tests.
/// </summary>
internal sealed class PinnedImage : IAsyncDisposable
{
    public const string BusyboxImage = "slipway/busybox:test";

    private readonly Process _registry;
    private readonly string _storage;

    private PinnedImage(DockerEngine engine, Process registry, string storage, ImageReference reference)
    {
        Engine = engine;
        _registry = registry;
        _storage = storage;
        Reference = reference;
    }

    public DockerEngine Engine { get; }

    public ImageReference Reference { get; }

    public static async Task<PinnedImage> PushBusyboxAsync()
    {
        var engine = new DockerEngine(DockerEndpoint.FromEnvironment());
        if (!await engine.PingAsync(CancellationToken.None) || await engine.Images.InspectAsync(BusyboxImage, CancellationToken.None) is null)
        {
            engine.Dispose();
            throw new InvalidOperationException(
                $"these tests need a Docker Engine at {DockerEndpoint.FromEnvironment()} with {BusyboxImage}: run scripts/docker-engine.sh start and scripts/base-image.sh busybox (./test.sh does both)");
        }

        var port = FreePort();
        var storage = Directory.CreateTempSubdirectory("slipway-registry-").FullName;
        var config = Path.Combine(storage, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {storage}/data
            http:
              addr: 127.0.0.1:{port}
            """);
        var info = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var registry = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start");
        registry.OutputDataReceived += (_, _) => { };
        registry.ErrorDataReceived += (_, _) => { };
        registry.BeginOutputReadLine();
        registry.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync($"http://127.0.0.1:{port}/v2/")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return !registry.HasExited ? false : throw new InvalidOperationException("docker-registry exited (is the docker-registry package installed?)");
            }
        }, "the registry answering");

        var tagged = ImageReference.Parse($"127.0.0.1:{port}/busybox:test");
        await engine.Images.TagAsync(BusyboxImage, tagged, CancellationToken.None);
        var digest = await engine.Images.PushAsync(tagged, null, null, CancellationToken.None);
        return new PinnedImage(engine, registry, storage, tagged with { Tag = null, Digest = digest });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in await Engine.Containers.ListAsync(new Dictionary<string, string> { [Containers.ContainerRuntime.AppLabel] = "shop" }, CancellationToken.None))
        {
            await Engine.Containers.RemoveAsync(container.Id, CancellationToken.None);
        }

        await Engine.Images.RemoveAsync(Reference.ToString(), force: true, CancellationToken.None);
        _registry.Kill(entireProcessTree: true);
        await _registry.WaitForExitAsync();
        _registry.Dispose();
        Directory.Delete(_storage, recursive: true);
        Engine.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
