using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Local.Files;
using Slipway.Local.Processes;
using Slipway.Router;

namespace Slipway.Server.Routing;

/// <summary>
/// Keeps the router running: starts <c>slipway router</c> detached (own session, output to a file,
/// like an instance) when nothing answers on its admin address, and checks again every few seconds.
/// The router is never stopped by the server: it outlives controller restarts and upgrades.
/// What answers on the admin address is taken for this server's router only when it says it serves this data
/// directory's table (<see cref="RouterAdminClient.IdentifyAsync"/>): with the ports of another server's, the routes
/// would be written for a router that never reads them, and the other router's numbers read as this one's — so the
/// server refuses to start instead (<see cref="RouterAdminTakenException"/>).
/// </summary>
internal sealed partial class RouterLauncher(ServerOptions options, RouterAdminClient admin, TimeProvider time, ILogger<RouterLauncher> logger) : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public string PidFile => Path.Combine(options.RouterDirectory, "router.pid");

    /// <exception cref="RouterAdminTakenException">Something other than this data directory's router answers on the admin address.</exception>
    public async Task EnsureRunningAsync(CancellationToken ct)
    {
        var answer = await admin.IdentifyAsync(ct);
        if (IsOwn(answer))
        {
            return;
        }

        if (answer.Kind != AdminResponderKind.Nobody)
        {
            throw new RouterAdminTakenException(options, answer);
        }

        Directory.CreateDirectory(options.RouterDirectory);
        var (command, prefix) = SlipwayExecutable.Resolve();
        string[] args =
        [
            .. prefix, "router",
            "--config", options.RouterConfigPath,
            "--listen", options.RouterListen,
            "--admin", options.RouterAdmin,
            "--access-log", Path.Combine(options.RouterDirectory, "access.log"),
        ];
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        foreach (var (name, value) in RouterHost.ProcessEnvironment)
        {
            environment.TryAdd(name, value);
        }

        // Not cancellable from spawn to pid file: a router started but not recorded would be
        // running where `slipway down` (and the demo's Ctrl-C) cannot find it. Both steps are short.
        var launcher = new ProcessLauncher(time, logger);
        var handle = await launcher.StartAsync(options.RouterDirectory, command, args, environment, Path.Combine(options.RouterDirectory, "router.log"), CancellationToken.None);
        // Replaced in one step: `slipway down` or a script reading it mid-write never sees an empty file.
        AtomicFile.WriteText(PidFile, handle.Pid.ToString(CultureInfo.InvariantCulture));
        Log.RouterStarted(logger, handle.Pid, options.RouterListen);

        var until = time.GetUtcNow() + StartTimeout;
        while (!IsOwn(answer = await admin.IdentifyAsync(ct)))
        {
            if (time.GetUtcNow() > until || !handle.IsAlive)
            {
                // Something else took the admin address meanwhile, and the router could not listen there.
                throw answer.Kind == AdminResponderKind.Nobody
                    ? new InvalidOperationException($"the router did not start; see {Path.Combine(options.RouterDirectory, "router.log")}")
                    : new RouterAdminTakenException(options, answer);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
        }
    }

    /// <summary>
    /// The live router processes serving this data directory's table (started with <c>router --config</c> its
    /// <c>routes.json</c>), whatever their pid file says; only those also listening on <paramref name="admin"/>
    /// when given.
    /// </summary>
    internal static IReadOnlyList<int> FindRouters(ServerOptions options, string? admin = null)
    {
        var table = options.RouterConfigPath;
        var fullTable = Path.GetFullPath(table);
        return ProcCommandLine.FindProcesses(args =>
            args.Contains("router")
            && ProcCommandLine.HasOption(args, "--config", table, fullTable)
            && (admin is null || ProcCommandLine.HasOption(args, "--admin", admin)));
    }

    /// <summary>
    /// Whether the router that answered is this data directory's: it serves this table. A router too old to say is
    /// taken for ours when a router process started for this table and this admin address is alive.
    /// </summary>
    private bool IsOwn(AdminResponder answer) => answer.Kind switch
    {
        AdminResponderKind.Router => string.Equals(answer.ConfigPath, Path.GetFullPath(options.RouterConfigPath), StringComparison.Ordinal),
        AdminResponderKind.UnidentifiedRouter => FindRouters(options, options.RouterAdmin).Count > 0,
        _ => false,
    };

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(CheckEvery, time, ct);
            try
            {
                await EnsureRunningAsync(ct);
            }
            catch (RouterAdminTakenException e)
            {
                Log.RouterAdminTaken(logger, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RouterStartFailed(logger, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Started router (pid {Pid}) on {Listen}")]
        public static partial void RouterStarted(ILogger logger, int pid, string listen);

        [LoggerMessage(2, LogLevel.Error, "Could not start the router")]
        public static partial void RouterStartFailed(ILogger logger, Exception e);

        [LoggerMessage(3, LogLevel.Error, "Not starting the router: {Problem}")]
        public static partial void RouterAdminTaken(ILogger logger, string problem);
    }
}

/// <summary>How to run this same slipway binary again: the apphost, or <c>dotnet slipway.dll</c>.</summary>
public static class SlipwayExecutable
{
    public static (string Command, string[] Prefix) Resolve()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell the path of the running executable");
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "slipway.dll");
            return (process, [dll]);
        }

        return (process, []);
    }
}
