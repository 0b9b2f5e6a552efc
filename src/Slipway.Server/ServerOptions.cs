namespace Slipway.Server;

/// <summary>Where the control plane keeps its state and where it and the router listen.</summary>
/// <param name="DataDirectory">Holds the SQLite store, instance state, logs and the router's table.</param>
/// <param name="ApiListen">The HTTP API (CLI and scripts), loopback by default: <c>host:port</c> (see <c>ListenAddress</c>).</param>
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

    /// <summary>
    /// Host names the API answers to besides the loopback names and the address it binds (see
    /// <c>HostAllowList</c>): the names clients use to reach a non-loopback API.
    /// </summary>
    public IReadOnlyList<string> ApiAllowedHosts { get; init; } = [];

    /// <summary>PEM certificate (chain) of the API's TLS listener; with <see cref="TlsKeyPath"/>, the API speaks HTTPS.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>
    /// The operator accepts an API on a non-loopback address without TLS (the token then crosses the
    /// network in clear text). Without it, such an address is refused at start.
    /// </summary>
    public bool InsecureRemoteApi { get; init; }

    /// <summary>The token every API call but /healthz must present (see <c>ApiTokenFile</c>).</summary>
    public string ApiTokenPath => Api.ApiTokenFile.PathIn(DataDirectory);

    /// <summary>Where instances get their ports; outside the kernel's ephemeral range (see <see cref="Slipway.Local.PortRange.DefaultInstancePorts"/>).</summary>
    public Slipway.Local.PortRange InstancePorts { get; init; } = Slipway.Local.PortRange.DefaultInstancePorts;

    /// <summary>
    /// The Docker Engine that runs instances of image artifacts (<c>slipway server --docker-host</c>): by default
    /// $SLIPWAY_DOCKER_HOST, else a unix $DOCKER_HOST, else the socket scripts/docker-engine.sh serves. Only used when
    /// an app's artifact is an image; without a running engine such instances fail to start, saying so.
    /// </summary>
    public Slipway.Docker.Engine.DockerEndpoint DockerHost { get; init; } = Slipway.Docker.Engine.DockerEndpoint.FromEnvironment();

    /// <summary>Bounds on reading an artifact directory on apply: size and time (see <c>ArtifactLimits</c>).</summary>
    public Apply.ArtifactLimits Artifacts { get; init; } = Apply.ArtifactLimits.Default;

    /// <summary>How the server reaches registries: insecure (plain http) ones, extra CAs (see <see cref="Images.RegistrySettings"/>).</summary>
    public Images.RegistrySettings Registries { get; init; } = Images.RegistrySettings.None;

    /// <summary>
    /// How many app×envs are reconciled at once. A pass mostly waits (for the store, for the router to load a table),
    /// so a few more workers than cores keep a mass apply moving without letting passes crowd out the API.
    /// </summary>
    public int ReconcileWorkers { get; init; } = 8;

    /// <summary>
    /// How often every app×env is reconciled whether or not anything about it changed: the safety net under the
    /// event-driven queue (Argo CD resyncs every 3 min; a pass over an idle app finds nothing to do).
    /// </summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often housekeeping deletes what the server no longer needs: revisions beyond each app's history limit,
    /// artifact copies no kept revision uses, logs of deleted apps and revisions (see <c>Housekeeper</c>). Every
    /// 5 minutes, as the kubelet collects unused images: nothing is urgent, a copy more for a few minutes costs only disk.
    /// </summary>
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Events kept per app×env, the newest (see <see cref="Slipway.Store.StoreOptions.EventsPerApp"/>).</summary>
    public int EventsPerApp { get; init; } = Slipway.Store.StoreOptions.DefaultEventsPerApp;

    /// <summary>
    /// The offline advisory database the vulnerability gate matches SBOMs against (<c>--advisories</c>): a folder of OSV
    /// JSON files or a .zip of them; read at start and again when it changes. Null: no database, so scans and gates
    /// that need one refuse and say how to give one.
    /// </summary>
    public string? AdvisoriesPath { get; init; }

    public string StorePath => Path.Combine(DataDirectory, "slipway.db");

    /// <summary>Immutable copies of directory artifacts by digest (see <c>ArtifactStore</c>).</summary>
    public string ArtifactsDirectory => Path.Combine(DataDirectory, "artifacts");

    public string RouterDirectory => Path.Combine(DataDirectory, "router");

    public string RouterConfigPath => Path.Combine(RouterDirectory, "routes.json");
}
