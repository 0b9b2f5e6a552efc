using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Slipway.Server;
using Slipway.Server.Api;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>slipway demo</c>: builds the sample, starts a server on a fresh data directory, deploys v1
/// with 3 replicas, sends steady traffic, releases a good v2 by canary that live analysis promotes
/// with no human, then a bad v3 (20 % errors) that live analysis rolls back, and keeps running until
/// Ctrl-C; then stops everything it started.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan ServerStopTimeout = TimeSpan.FromSeconds(30);

    /// <param name="hurry">Cancelled by a second Ctrl-C: the cleanup kills instead of waiting, and still removes everything.</param>
    public static Command Create(CancellationToken hurry)
    {
        var port = IntegerOption.Create("--port", "Router port", 8080, 1, 65535);
        var exit = new Option<bool>("--exit-when-done") { Description = "Stop once the canary completed instead of waiting for Ctrl-C" };
        var pause = IntegerOption.Create("--pause-seconds", "Length of each canary pause", 10, 0, 3600);
        var command = new Command("demo", "Release a sample service by canary on this machine, under live traffic") { port, exit, pause };
        CliAction.Set(command, (result, ct) => RunAsync(result.GetValue(port), result.GetValue(exit), result.GetValue(pause), ct, hurry));
        return command;
    }

    private static async Task<int> RunAsync(int routerPort, bool exitWhenDone, int pauseSeconds, CancellationToken ct, CancellationToken hurry)
    {
        var root = FindRepository() ?? throw new CliException("cannot find the Slipway repository (samples/Slipway.Sample); run the demo from a checkout", 1);
        if (!PortIsFree(routerPort))
        {
            throw new CliException($"port {routerPort} is in use: pass another router port with --port", 1);
        }

        var data = Path.Combine(Path.GetTempPath(), $"slipway-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        var options = new ServerOptions(data, $"127.0.0.1:{FreePort()}", $"127.0.0.1:{routerPort}", $"127.0.0.1:{FreePort()}")
        {
            MinimumLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        };
        // The token the server will find and reuse: the demo's client needs it before the server is up.
        Directory.CreateDirectory(data);
        var credential = new ApiCredential(ApiTokenFile.LoadOrCreate(data), ApiTokenFile.PathIn(data));
        using var serverStop = new CancellationTokenSource();
        Task? server = null;
        try
        {
            var artifact = Path.Combine(data, "build", "sample");
            Say($"data directory {data}");
            Say("building the sample service …");
            await BuildSampleAsync(root, artifact, ct);

            server = Task.Run(() => ServerHost.RunAsync(options, serverStop.Token), CancellationToken.None);
            using var client = new ApiClient(new Uri($"http://{options.ApiListen}"), credential);
            await WaitForServerAsync(client, server, ct);
            Say($"server up: API http://{options.ApiListen}, router http://{options.RouterListen}");

            await ApplyAsync(client, data, artifact, "v1", 0, pauseSeconds, ct);
            Say("deploying v1 with 3 replicas …");
            await WatchAsync(client, null, s => s.Phase == "Healthy" && s.StableRevision == 1, ct);

            await using var load = new DemoLoad(new Uri($"http://{options.RouterListen}/"), "web.dev.localhost");
            load.Start();
            Say("v1 is serving; sending steady traffic to it");
            await Task.Delay(TimeSpan.FromSeconds(2), ct);

            Say($"releasing v2 by canary: 10% → pause {pauseSeconds}s → 50% → pause {pauseSeconds}s → 100%,");
            Say("  judged live: every second, the canary's error rate over 5 s from the router's own counters; above 5% aborts");
            var before = load.Totals();
            await ApplyAsync(client, data, artifact, "v2", 0, pauseSeconds, ct);
            await WatchAsync(client, load, s => s.Phase == "Healthy" && s.StableRevision == 2, ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var totals = load.Totals();
            var released = (Requests: totals.Requests - before.Requests, Failed: totals.Failed - before.Failed);
            Say($"canary completed: v2 promoted itself, with no human. {released.Requests} requests during the release, {released.Failed} failed.");

            Say("releasing v3, which answers 20% of its requests with errors …");
            await ApplyAsync(client, data, artifact, "v3", 0.2, pauseSeconds, ct);
            var rolledBack = await WatchAsync(client, load, s => s.Phase == "Degraded" || s.StableRevision == 3, ct, degradedIsDone: true);
            if (rolledBack.StableRevision == 3)
            {
                throw new CliException("v3 was promoted: live analysis did not catch it", 1);
            }

            Say($"v3 rolled back by analysis, traffic first, with no human: {rolledBack.Message}");
            await WatchAsync(client, load, s => s.Revisions.All(r => r.Number == 2), ct, degradedIsDone: true);
            Say("v2 serves every request again");
            Say($"try it: curl http://web.dev.localhost:{routerPort}/   (or open it in a browser)");
            Say($"status: slipway status web --server {options.ApiListen} --data {data}   metrics: curl http://{options.RouterAdmin}/metrics");
            Say($"analysis: slipway analysis web --server {options.ApiListen} --data {data}   (every measurement that promoted v2 and rolled back v3)");
            if (!exitWhenDone)
            {
                Say("press Ctrl-C to stop everything");
                await Task.Delay(Timeout.Infinite, ct);
            }

            return released.Failed == 0 ? 0 : 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0; // Ctrl-C is how the demo is meant to end
        }
        finally
        {
            await StopEverythingAsync(data, server, serverStop, hurry);
        }
    }

    /// <summary>
    /// Stops the server, then every instance and the router, and removes the data directory. Runs
    /// to the end whatever happens meanwhile: a second Ctrl-C (<paramref name="hurry"/>) only
    /// replaces the grace periods by SIGKILL. Stdout may be a pipe whose reader died with the same
    /// Ctrl-C (<c>| tee</c>): .NET's console streams drop writes that fail with EPIPE, so the
    /// messages here neither throw nor stop the cleanup.
    /// </summary>
    private static async Task StopEverythingAsync(string data, Task? server, CancellationTokenSource serverStop, CancellationToken hurry)
    {
        Say("stopping the server, the instances and the router … (Ctrl-C again to stop them at once)");
        await serverStop.CancelAsync();
        // The server has stopped its reconciler when it returns, so nothing starts an instance after
        // that. When we hurry we do not wait for it, so the data plane is stopped again once it has.
        var serverStopped = await WaitForServerStopAsync(server, hurry);
        if (Directory.Exists(data))
        {
            await DataPlane.StopAllAsync(data, hurry);
            if (!serverStopped && await WaitForServerStopAsync(server, CancellationToken.None))
            {
                await DataPlane.StopAllAsync(data, hurry);
            }
        }

        try
        {
            Slipway.Local.Files.WritableTree.Delete(data); // the artifact store's copies are read-only
            Say($"stopped; removed {data}");
        }
        catch (DirectoryNotFoundException)
        {
            Say("stopped");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Say($"stopped; could not remove {data}: {e.Message}");
        }
    }

    /// <summary>True once the server task has ended (however: stopped by us, or failed to start, which was reported).</summary>
    private static async Task<bool> WaitForServerStopAsync(Task? server, CancellationToken hurry)
    {
        if (server is null)
        {
            return true;
        }

        try
        {
            await server.WaitAsync(ServerStopTimeout, hurry);
        }
        catch (Exception) when (server.IsCompleted)
        {
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        return server.IsCompleted;
    }

    /// <param name="errorRate">The share of requests this version answers with a 500 (the sample's ERROR_RATE).</param>
    private static async Task ApplyAsync(ApiClient client, string data, string artifact, string version, double errorRate, int pauseSeconds, CancellationToken ct)
    {
        var spec = $"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: web
              environment: dev
            spec:
              artifact:
                path: {artifact}
              command: dotnet
              args: [Slipway.Sample.dll]
              env:
                - name: VERSION
                  value: {version}
                - name: ERROR_RATE
                  value: "{errorRate.ToString(CultureInfo.InvariantCulture)}"
              replicas: 3
              probes:
                readiness:
                  httpGet:
                    path: /healthz
                  periodSeconds: 1
              terminationGracePeriodSeconds: 10
              progressDeadlineSeconds: 120
              strategy:
                canary:
                  analysis:
                    metrics:
                      - name: error-rate
                        interval: 1s
                        failureCondition: result > 0.05
                        minSampleSize: 10
                        provider:
                          router:
                            measure: errorRate
                            window: 5s
                  steps:
                    - setWeight: 10
                    - pause:
                        duration: {pauseSeconds}s
                    - setWeight: 50
                    - pause:
                        duration: {pauseSeconds}s
                    - setWeight: 100
            """;
        var file = Path.Combine(data, $"web-{version}.yaml");
        await File.WriteAllTextAsync(file, spec, ct);
        var response = await client.SendAsync(HttpMethod.Post, "/api/v1/apply", new ApplyRequest(file, spec, data), ct);
        response.EnsureOk();
    }

    /// <param name="degradedIsDone">A Degraded rollout is what is waited for (a rollback), not a failure of the demo.</param>
    private static async Task<StatusView> WatchAsync(ApiClient client, DemoLoad? load, Func<StatusView, bool> done, CancellationToken ct, bool degradedIsDone = false)
    {
        var started = Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            var status = (await client.SendAsync(HttpMethod.Get, "/api/v1/apps/web/dev", null, ct)).EnsureOk().Read<StatusView>();
            var revisions = string.Join("  ", status.Revisions.Select(r => $"r{r.Number} {r.Ready}/{r.Desired}"));
            var step = status.CanaryRevision is null || status.StableRevision is null || status.TotalSteps == 0 ? "" : $"step {Math.Min(status.CurrentStepIndex + 1, status.TotalSteps)}/{status.TotalSteps}  ";
            var traffic = load is null ? "" : $"  traffic {load.TakeWindow()}";
            var line = $"{status.Phase,-11} {step}weights stable {status.Weights.Stable,3}% canary {status.Weights.Canary,3}%  ready {revisions}{traffic}";
            if (line != last || load is not null)
            {
                Console.WriteLine($"  [{started.Elapsed.TotalSeconds,5:0.0}s] {line}");
                last = line;
            }

            if (done(status))
            {
                return status;
            }

            if (!degradedIsDone && status.Phase == "Degraded" && status.Reason is not "InstancesNotReady")
            {
                throw new CliException($"the rollout is degraded: {status.Message}", 1);
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task WaitForServerAsync(ApiClient client, Task server, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (server.IsFaulted)
            {
                throw new CliException($"the server failed to start: {server.Exception?.GetBaseException().Message}", 1);
            }

            try
            {
                if ((await client.SendAsync(HttpMethod.Get, "/healthz", null, ct)).Ok)
                {
                    return;
                }
            }
            catch (CliException)
            {
            }

            await Task.Delay(200, ct);
        }

        throw new CliException("the server did not start within 60 s", 1);
    }

    private static async Task BuildSampleAsync(string root, string output, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet", ["build", Path.Combine(root, "samples", "Slipway.Sample", "Slipway.Sample.csproj"), "-c", "Release", "-o", output, "-nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        // A SIGTERM reaches the demo alone (a Ctrl-C reaches its whole process group): the build goes with it.
        using (ct.Register(() => KillTree(process)))
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }

        ct.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            throw new CliException($"building the sample failed:\n{await stdout}{await stderr}", 1);
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it has exited already
        }
    }

    private static string? FindRepository()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "samples", "Slipway.Sample", "Slipway.Sample.csproj")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Say(string text) => Console.WriteLine($"slipway demo: {text}");
}
