using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Core.Serialization;
using Slipway.Local;
using Slipway.Local.Logs;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Analysis;
using Slipway.Server.Api;
using Slipway.Server.Apply;
using Slipway.Server.Config;
using Slipway.Server.Housekeeping;
using Slipway.Server.Metrics;
using Slipway.Server.Preflight;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;
using Slipway.Server.Secrets;
using Slipway.Server.Slo;
using Slipway.Server.Supply;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server;

/// <summary>
/// <c>slipway server</c>: the control plane. Opens the store, makes sure the router runs, re-adopts
/// running instances, reconciles, and serves the HTTP API. Stopping it (or killing it) leaves the
/// router and the instances serving.
/// </summary>
public static partial class ServerHost
{
    /// <summary>Runs until <paramref name="ct"/> is cancelled.</summary>
    /// <exception cref="ApiConfigurationException">The API cannot be served as configured; nothing was started.</exception>
    /// <exception cref="ServerRunningException">Another server runs on the data directory; nothing was started.</exception>
    /// <exception cref="MasterKeyException">The master key cannot be used as configured; nothing was started.</exception>
    /// <exception cref="Images.RegistrySettingsException">A registry CA file cannot be read; nothing was started.</exception>
    /// <exception cref="AdvisoryDatabaseException">The advisory database (--advisories) cannot be read; nothing was started.</exception>
    /// <exception cref="Routing.RouterAdminTakenException">Something other than this data directory's router answers on the router admin address.</exception>
    public static Task RunAsync(ServerOptions options, CancellationToken ct) => RunAsync(options, replace: null, ct);

    /// <summary>As <see cref="RunAsync(ServerOptions, CancellationToken)"/>, with services replaced by
    /// <paramref name="replace"/>, registered last (a test's stand-in for the secret vault).</summary>
    internal static async Task RunAsync(ServerOptions options, Action<IServiceCollection>? replace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listener = ApiListener.From(options);
        if (!Directory.Exists(options.DataDirectory) && !OperatingSystem.IsWindows())
        {
            // The store holds every spec; only its owner reads it.
            Directory.CreateDirectory(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.CreateDirectory(options.DataDirectory);
        // Held until the server has stopped: `slipway down` and a second server learn from it that this one runs.
        using var serverLock = ServerLock.Acquire(options.DataDirectory);

        var token = new ApiToken(ApiTokenFile.LoadOrCreate(options.DataDirectory));

        // Before anything starts: a malformed SLIPWAY_MASTER_KEY or a key file others can read stops the server here.
        var masterKeys = MasterKeys.Open(options.DataDirectory, Environment.GetEnvironmentVariable);
        var registryOptions = options.Registries.ClientOptions();
        var time = TimeProvider.System;
        var store = await SqliteStore.OpenAsync(options.StorePath, time, new StoreOptions { EventsPerApp = options.EventsPerApp }, ct);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(listener.Configure);
        builder.WebHost.ConfigureKestrel(RequestBodyLimit.Configure);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.TypeInfoResolver = SlipwayJson.Options.TypeInfoResolver;
            foreach (var converter in SlipwayJson.Options.Converters)
            {
                o.SerializerOptions.Converters.Add(converter);
            }
        });

        var services = builder.Services;
        services.AddApiSecurity(token, listener.AllowedHosts);
        services.AddSingleton<IHostLifetime, Slipway.Router.CallerOwnedLifetime>();
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddSingleton<IStore>(sp => new InstrumentedStore(store, sp.GetRequiredService<ControlPlaneMetrics>(), time));
        services.AddSingleton<ControlPlaneLock>();
        services.AddSingleton<WorkQueue>();
        services.AddSingleton(masterKeys);
        services.AddSingleton<SecretVault>();
        services.AddSingleton<ISecretLookup>(sp => sp.GetRequiredService<SecretVault>());
        services.AddSingleton<SecretRollouts>();
        services.AddSingleton(sp => new Slipway.Docker.DockerEngine(options.DockerHost, sp.GetRequiredService<ILoggerFactory>().CreateLogger<Slipway.Docker.DockerEngine>()));
        services.AddSingleton(sp => new LocalSupervisor(
            options.DataDirectory,
            time,
            sp.GetRequiredService<ILoggerFactory>(),
            new SupervisorOptions { InstancePorts = options.InstancePorts },
            new InstanceSecrets(sp.GetRequiredService<ISecretLookup>()),
            sp.GetRequiredService<Slipway.Docker.DockerEngine>(),
            // The engine pulls an instance's image with the login `slipway registry login` stored for its registry.
            async (registry, ct) => await sp.GetRequiredService<Images.RegistryLogins>().GetAsync(registry, ct) is { } login
                ? new Slipway.Docker.Engine.RegistryCredentials(login.Username, login.Password, registry)
                : null));
        services.AddSingleton(sp => new LogReader(options.DataDirectory, time));
        services.AddSingleton<RouteTable>();
        services.AddSingleton<TablePublisher>();
        services.AddSingleton(new RouterAdminClient(new HttpClient { BaseAddress = new Uri($"http://{options.RouterAdmin}"), Timeout = TimeSpan.FromSeconds(2) }, time));
        services.AddSingleton<RouterLauncher>();
        services.AddHostedService(sp => sp.GetRequiredService<RouterLauncher>());
        services.AddSingleton<ArtifactStore>();
        // One registry client for the server's life: it keeps connections and tokens; logins come from the vault.
        services.AddSingleton<Images.RegistryLogins>();
        services.AddSingleton(sp => new Oci.Registry.RegistryClient(registryOptions, sp.GetRequiredService<Images.RegistryLogins>(), time));
        services.AddSingleton<Images.IImageResolver, Images.RegistryImageResolver>();
        services.AddSingleton<Images.SigningKeys>();
        services.AddSingleton<Images.ImageSignatures>();
        services.AddSingleton<ApplyService>();
        services.AddSingleton<Images.ImagePolicies>();
        services.AddSingleton<Build.BuildService>();
        services.AddSingleton<RolloutService>();
        services.AddSingleton<LocalTarget>();
        services.AddSingleton<ITarget>(sp => sp.GetRequiredService<LocalTarget>());
        services.AddSingleton(sp => new SloMeasurer(sp.GetRequiredService<IStore>(), new PrometheusProvider(MetricHttp.CreateClient(), time), time));
        services.AddSingleton<SloRecorder>().AddHostedService(sp => sp.GetRequiredService<SloRecorder>());
        services.AddSingleton<ErrorBudgetService>();
        services.AddSingleton<IMetricProvider>(sp => MetricProviders.Create(
            new RouterProvider(sp.GetRequiredService<RouterAdminClient>()),
            new JudgeProvider(sp.GetRequiredService<RouterAdminClient>(), time),
            MetricHttp.CreateClient(),
            time,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<ISecretLookup>().Redact,
            new SloProvider(sp.GetRequiredService<IStore>(), sp.GetRequiredService<RouterAdminClient>(), sp.GetRequiredService<SloMeasurer>())));
        services.AddSingleton<AnalysisRunner>();
        services.AddSingleton<Hooks.HookRunner>();
        services.AddSingleton<Reconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<Reconciler>());
        services.AddSingleton<Housekeeper>().AddHostedService(sp => sp.GetRequiredService<Housekeeper>());
        services.AddSingleton<PreflightRunner>();
        services.AddSingleton<ConfigService>();
        services.AddSupply();
        replace?.Invoke(services);

        await using var app = builder.Build();

        // Before the reconciler adopts or starts an instance: instances get their secret values from the vault.
        await app.Services.GetRequiredService<SecretVault>().StartAsync(ct);
        await app.Services.GetRequiredService<Supply.AdvisoryDatabase>().StartAsync(ct);
        await app.Services.GetRequiredService<RouterLauncher>().EnsureRunningAsync(ct);
        app.UseMiddleware<ApiRequestMetrics>();
        app.UseApiSecurity();
        RequestBodyLimit.Use(app);
        ApiEndpoints.Map(app, options);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerHost));
        app.Lifetime.ApplicationStarted.Register(() => Log.ApiListening(logger, listener.Url, options.ApiTokenPath));
        // Returns once ct is cancelled and the host has stopped, and disposes the host: the container
        // then disposes the supervisor (instances keep running) after the hosted services stopped.
        await app.RunAsync(ct);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "API on {Url}; every call but /healthz needs the token in {TokenPath}")]
        public static partial void ApiListening(ILogger logger, string url, string tokenPath);
    }
}
