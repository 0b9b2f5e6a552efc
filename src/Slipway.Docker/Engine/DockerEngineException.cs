using System.Net;

namespace Slipway.Docker.Engine;

/// <summary>
/// The engine answered a request with an error: <see cref="StatusCode"/> is what callers branch on (404 no such
/// container or image, 409 conflict), never the message text, which is the engine's own words for the user.
/// </summary>
public sealed class DockerEngineException(string message, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The HTTP status of the engine's answer; null when the failure came inside a progress stream.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
