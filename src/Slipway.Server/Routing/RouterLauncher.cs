using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Local.Files;
using Slipway.Local.Processes;
using Slipway.Router;

namespace Slipway.Server.Routing;

/// <summary>
/// Keeps the router running: starts <c>slipway router</c> detached (own session, output to a file,
/// like an instance) when its admin endpoint does not answer, and checks again every few seconds.
/// The router is never stopped by the server: it outlives controller restarts and upgrades.
/// </summary>
internal sealed partial class RouterLauncher(ServerOptions options, RouterAdminClient admin, TimeProvider time, ILogger<RouterLauncher> logger) : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public string PidFile => Path.Combine(options.RouterDirectory, "router.pid");

    public async Task EnsureRunningAsync(CancellationToken ct)
    {
        if (await admin.IsHealthyAsync(ct))
        {
            return;
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
        while (!await admin.IsHealthyAsync(ct))
        {
            if (time.GetUtcNow() > until || !handle.IsAlive)
            {
                throw new InvalidOperationException($"the router did not start; see {Path.Combine(options.RouterDirectory, "router.log")}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(CheckEvery, time, ct);
            try
            {
                await EnsureRunningAsync(ct);
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
