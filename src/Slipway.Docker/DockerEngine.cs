using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Docker.Containers;
using Slipway.Docker.Engine;
using Slipway.Docker.Images;

namespace Slipway.Docker;

/// <summary>
/// A client of one Docker Engine, through its HTTP API on a unix socket: images (build, push, pull, inspect) and
/// containers (create, start, inspect, wait, kill, remove, list, logs).
/// </summary>
/// <remarks>
/// A small client of our own rather than Docker.DotNet 3.125.15, its last release: that library reports a failed build
/// step or push as one more progress message, not as an error (checked here: a <c>RUN false</c> build returns
/// normally), hands progress to an <see cref="IProgress{T}"/> that may run after the call returns, has no wait
/// condition, brings Newtonsoft.Json and its own HTTP stack for unix sockets, and has had no active maintainer since
/// (the Testcontainers project forked it in 2024 for that reason). What Slipway needs is seventeen endpoints; the BCL's
/// SocketsHttpHandler connects to a unix socket with one callback, and System.Text.Json reads the answers.
/// </remarks>
public sealed class DockerEngine : IDisposable
{
    private readonly EngineConnection _connection;

    public DockerEngine(DockerEndpoint endpoint, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _connection = new EngineConnection(endpoint);
        Images = new DockerImages(_connection, logger ?? NullLogger.Instance);
        Containers = new DockerContainers(_connection);
    }

    public DockerEndpoint Endpoint => _connection.Endpoint;

    public DockerImages Images { get; }

    public DockerContainers Containers { get; }

    /// <summary>
    /// The engine's version, which also checks that it answers and speaks API 1.41 or later; throws
    /// <see cref="DockerEngineUnavailableException"/> when nothing listens on the socket.
    /// </summary>
    public async Task<EngineVersion> VersionAsync(CancellationToken ct)
    {
        var version = await _connection.GetJsonAsync<EngineVersion>("version", ct).ConfigureAwait(false);
        return version;
    }

    /// <summary>Whether the engine answers <c>/_ping</c> now (false, never an exception, when it does not).</summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/_ping"), ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is DockerEngineUnavailableException or DockerEngineException or HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose() => _connection.Dispose();
}
