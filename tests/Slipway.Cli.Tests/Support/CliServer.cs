using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Router;
using Slipway.Server;

namespace Slipway.Cli.Tests.Support;

/// <summary>
/// A real Slipway server (<see cref="ServerHost.RunAsync(ServerOptions, CancellationToken)"/>) in this process, with a
/// real router beside it, on a fresh data directory and loopback ports of 17700–17799; and the real <c>slipway</c> CLI
/// (this project's copy of slipway.dll) run as a process against it, as a user runs it. Disposing stops both and
/// deletes the directory.
/// </summary>
internal sealed class CliServer : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly RouterServer _router;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private CliServer(string directory, ServerOptions options, RouterServer router, CancellationTokenSource stop, Task run)
    {
        Directory = directory;
        Options = options;
        _router = router;
        _stop = stop;
        _run = run;
    }

    /// <summary>A temporary directory for the test's files; the server's data is in its <c>data</c> folder.</summary>
    public string Directory { get; }

    public ServerOptions Options { get; }

    public static async Task<CliServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "slipway-cli-tests-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(directory, "data");
        var router = new RouterServer(new RouterOptions(Path.Combine(data, "router", "routes.json"), $"127.0.0.1:{FreePort()}", $"127.0.0.1:{FreePort()}"), NullLoggerFactory.Instance);
        var addresses = await router.StartAsync(CancellationToken.None);
        var options = new ServerOptions(data, $"127.0.0.1:{FreePort()}", $"127.0.0.1:{addresses.Listen.Port}", $"127.0.0.1:{addresses.Admin.Port}") { MinimumLogLevel = LogLevel.Warning };
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => ServerHost.RunAsync(options, stop.Token));
        var server = new CliServer(directory, options, router, stop, run);
        try
        {
            await server.WaitUntilAnsweringAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Writes a file under <see cref="Directory"/> and returns its full path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Runs <c>slipway ARGS</c> against this server (<c>$SLIPWAY_SERVER</c>, and <c>$SLIPWAY_DATA</c> for the token).</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "slipway.dll") },
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SLIPWAY_SERVER"] = $"http://{Options.ApiListen}";
        start.Environment["SLIPWAY_DATA"] = Options.DataDirectory;
        start.Environment.Remove("SLIPWAY_TOKEN");
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"slipway {string.Join(' ', args)} did not finish within {Deadline.TotalSeconds} s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
            // How the server stops.
        }

        _stop.Dispose();
        await DataPlane.StopAllAsync(Options.DataDirectory, CancellationToken.None);
        await _router.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{Options.ApiListen}"), Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_run.IsCompleted || waited.Elapsed > Deadline)
            {
                throw new InvalidOperationException("the server did not start: " + (_run.IsFaulted ? _run.Exception.ToString() : $"no answer on {Options.ApiListen} within {Deadline.TotalSeconds} s"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>A loopback port of 17700–17799 (this test project's range) free a moment ago, tried from a random one on.</summary>
    private static int FreePort()
    {
        var first = Random.Shared.Next(100);
        for (var i = 0; i < 100; i++)
        {
            var port = 17700 + ((first + i) % 100);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: the next one.
            }
        }

        throw new InvalidOperationException("no free loopback port in 17700-17799");
    }
}
