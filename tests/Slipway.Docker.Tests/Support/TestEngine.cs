using Slipway.Docker.Engine;

namespace Slipway.Docker.Tests.Support;

/// <summary>
/// The Docker Engine the tests use: SLIPWAY_DOCKER_HOST (test.sh exports it), else scripts/docker-engine.sh's default
/// socket. A test that needs it and cannot reach it fails, saying how to start it: it never skips.
/// </summary>
internal static class TestEngine
{
    /// <summary>Made by scripts/base-image.sh: FROM scratch with a static busybox, httpd serving /www on $PORT.</summary>
    public const string BusyboxImage = "slipway/busybox:test";

    public static DockerEndpoint Endpoint => DockerEndpoint.FromEnvironment();

    /// <summary>A client of the engine, once it is known to answer and to have the test image.</summary>
    public static async Task<DockerEngine> ConnectAsync()
    {
        var engine = new DockerEngine(Endpoint);
        if (!await engine.PingAsync(CancellationToken.None))
        {
            engine.Dispose();
            throw new InvalidOperationException(
                $"these tests need a Docker Engine, and none answers at {Endpoint}: start one with scripts/docker-engine.sh start " +
                $"(or run ./test.sh, which does), or set {DockerEndpoint.HostVariable}=unix:///path/to/docker.sock");
        }

        if (await engine.Images.InspectAsync(BusyboxImage, CancellationToken.None) is null)
        {
            engine.Dispose();
            throw new InvalidOperationException($"the engine at {Endpoint} has no {BusyboxImage}: make it with scripts/base-image.sh busybox");
        }

        return engine;
    }
}
