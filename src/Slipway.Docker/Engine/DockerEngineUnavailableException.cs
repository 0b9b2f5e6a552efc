namespace Slipway.Docker.Engine;

/// <summary>
/// Nothing answers on the engine's socket: the message names the socket and how to start an engine, which is all a
/// user can do about it.
/// </summary>
public sealed class DockerEngineUnavailableException(DockerEndpoint endpoint, Exception? inner = null)
    : Exception(
        $"Docker Engine not reachable at {endpoint}: start it with scripts/docker-engine.sh start, " +
        $"or point {DockerEndpoint.HostVariable} at a running engine's socket",
        inner)
{
    public DockerEndpoint Endpoint { get; } = endpoint;
}
