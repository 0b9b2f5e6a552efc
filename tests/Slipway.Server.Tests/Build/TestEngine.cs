using System.Net.Sockets;
using System.Text.Json;
using Slipway.Docker;
using Slipway.Docker.Engine;

namespace Slipway.Server.Tests.Build;

/// <summary>
/// The Docker Engine the build tests use — <c>$SLIPWAY_DOCKER_HOST</c> (test.sh exports it), else
/// scripts/docker-engine.sh's socket, as the server finds it — and what they ask it directly, beside the server: which
/// containers exist, and removing what a test built. A test that cannot reach it fails, saying how to start one.
/// </summary>
internal sealed class TestEngine : IDisposable
{
    /// <summary>Made by scripts/base-image.sh: FROM scratch with a static busybox.</summary>
    public const string BusyboxImage = "slipway/busybox:test";

    private readonly HttpClient _raw;

    private TestEngine(DockerEngine engine, DockerEndpoint endpoint)
    {
        Engine = engine;
        _raw = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.SocketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://engine/v1.41/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public DockerEngine Engine { get; }

    public static async Task<TestEngine> ConnectAsync()
    {
        var endpoint = DockerEndpoint.FromEnvironment();
        var engine = new DockerEngine(endpoint);
        if (!await engine.PingAsync(CancellationToken.None))
        {
            engine.Dispose();
            throw new InvalidOperationException(
                $"the build tests need a Docker Engine, and none answers at {endpoint}: start one with scripts/docker-engine.sh start " +
                $"(or run ./test.sh, which does), or set {DockerEndpoint.HostVariable}=unix:///path/to/docker.sock");
        }

        if (await engine.Images.InspectAsync(BusyboxImage, CancellationToken.None) is null)
        {
            engine.Dispose();
            throw new InvalidOperationException($"the engine at {endpoint} has no {BusyboxImage}: make it with scripts/base-image.sh busybox");
        }

        return new TestEngine(engine, endpoint);
    }

    /// <summary>The command of every container the engine has, running or not (build steps' containers included).</summary>
    public async Task<IReadOnlyList<string>> ContainerCommandsAsync()
    {
        using var json = JsonDocument.Parse(await _raw.GetStringAsync("containers/json?all=1"));
        return [.. json.RootElement.EnumerateArray().Select(c => c.GetProperty("Command").GetString() ?? "")];
    }

    /// <summary>Removes the tags <paramref name="names"/> (and the images they leave untagged) where the engine has them.</summary>
    public async Task RemoveAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            await Engine.Images.RemoveAsync(name, force: true, CancellationToken.None);
        }
    }

    public void Dispose()
    {
        _raw.Dispose();
        Engine.Dispose();
    }
}
