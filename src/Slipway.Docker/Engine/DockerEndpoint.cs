using System.Diagnostics.CodeAnalysis;

namespace Slipway.Docker.Engine;

/// <summary>
/// Where the Docker Engine API listens: a unix socket, the only transport Slipway uses (the engine runs on the same
/// machine as the local target). Written as Docker writes it, <c>unix:///var/tmp/slipway-docker/docker.sock</c>.
/// </summary>
public sealed record DockerEndpoint(string SocketPath)
{
    /// <summary>The variable the tests, the CLI and the server read first.</summary>
    public const string HostVariable = "SLIPWAY_DOCKER_HOST";

    /// <summary>The socket scripts/docker-engine.sh serves when SLIPWAY_DOCKER_ROOT is not set.</summary>
    public static readonly DockerEndpoint Default = new("/var/tmp/slipway-docker/docker.sock");

    /// <summary>
    /// SLIPWAY_DOCKER_HOST, else DOCKER_HOST when it names a unix socket, else <see cref="Default"/>: Slipway's own
    /// engine is the one its scripts start, and a system engine is used only when the user points at it.
    /// </summary>
    public static DockerEndpoint FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        if (read(HostVariable) is { Length: > 0 } slipway)
        {
            return Parse(slipway);
        }

        return read("DOCKER_HOST") is { Length: > 0 } docker && TryParse(docker, out var endpoint, out _) ? endpoint : Default;
    }

    public static DockerEndpoint Parse(string text) =>
        TryParse(text, out var endpoint, out var error) ? endpoint : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out DockerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        var path = text switch
        {
            null => null,
            _ when text.StartsWith("unix://", StringComparison.Ordinal) => text["unix://".Length..],
            _ when text.StartsWith('/') => text,
            _ => null,
        };
        if (path is null || !path.StartsWith('/'))
        {
            error = $"'{text}' is not a Docker Engine address: expected unix:///absolute/path/to/docker.sock";
            return false;
        }

        endpoint = new DockerEndpoint(path);
        error = null;
        return true;
    }

    public override string ToString() => "unix://" + SocketPath;
}
