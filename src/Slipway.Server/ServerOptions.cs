namespace Slipway.Server;

/// <summary>Where the control plane keeps its state and where it and the router listen.</summary>
/// <param name="DataDirectory">Holds the SQLite store, instance state, logs and the router's table.</param>
/// <param name="ApiListen">The HTTP API (CLI and scripts), loopback by default.</param>
/// <param name="RouterListen">The router's public listener; started by the server when not running.</param>
/// <param name="RouterAdmin">The router's admin listener (/healthz, /state, /metrics).</param>
public sealed record ServerOptions(
    string DataDirectory,
    string ApiListen = "127.0.0.1:7070",
    string RouterListen = "127.0.0.1:8080",
    string RouterAdmin = "127.0.0.1:8081")
{
    /// <summary>The least severe log level written to the console (the demo raises it to keep its screen readable).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>Bounds on reading an artifact directory on apply: size and time (see <c>ArtifactLimits</c>).</summary>
    public Apply.ArtifactLimits Artifacts { get; init; } = Apply.ArtifactLimits.Default;

    public string StorePath => Path.Combine(DataDirectory, "slipway.db");

    /// <summary>Immutable copies of directory artifacts by digest (see <c>ArtifactStore</c>).</summary>
    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");

    public string RouterDirectory => Path.Combine(DataDirectory, "router");

    public string RouterConfigPath => Path.Combine(RouterDirectory, "routes.json");
}
