using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Server;
using Slipway.Server.Api;
using Slipway.Server.Apply;

namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>
/// A real Slipway on loopback: the <c>slipway server</c> process (which starts the router process),
/// a fresh data directory and free ports. Disposing stops the server, every instance and the
/// router, so nothing is left running.
/// </summary>
internal sealed class SlipwayCluster : IAsyncDisposable
{
    public const string ApiTokenVariable = "SLIPWAY_TOKEN";

    private Process? _server;

    public SlipwayCluster()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "slipway-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(DataDirectory);
        var ports = FreePorts.Take(3);
        (ApiPort, RouterPort, AdminPort) = (ports[0], ports[1], ports[2]);
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string DataDirectory { get; }

    public int ApiPort { get; }

    public int RouterPort { get; }

    public int AdminPort { get; }

    public HttpClient Api { get; }

    public string ServerUrl => $"http://127.0.0.1:{ApiPort}";

    public int? ServerPid => _server is { HasExited: false } ? _server.Id : null;

    /// <summary>The API token the server wrote to the data directory; <see cref="Api"/> sends it once the server started.</summary>
    public string? Token { get; private set; }

    public string ServerLog => Path.Combine(DataDirectory, "server.log");

    /// <summary>
    /// Starts <c>slipway server</c> on this cluster's data directory and ports and waits for its /healthz;
    /// <paramref name="apiArguments"/> replace <c>--api 127.0.0.1:ApiPort</c> (the API must still answer there).
    /// </summary>
    public async Task StartServerAsync(params string[] apiArguments)
    {
        _server = StartServerProcess(apiArguments);
        await Eventually.WaitAsync(
            async () => (await Api.GetAsync("healthz")).IsSuccessStatusCode,
            ok => ok || _server.HasExited,
            TimeSpan.FromSeconds(60),
            "the server's /healthz");
        if (_server.HasExited)
        {
            throw new InvalidOperationException("the server exited: " + await File.ReadAllTextAsync(ServerLog));
        }

        Token = (await File.ReadAllTextAsync(ApiTokenFile.PathIn(DataDirectory))).Trim();
        Api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>
    /// The <c>slipway server</c> process with this cluster's data directory and router ports, output appended to
    /// <see cref="ServerLog"/>; <paramref name="arguments"/> replace the default <c>--api 127.0.0.1:ApiPort</c>.
    /// The cluster stops it when disposed.
    /// </summary>
    public Process StartServerProcess(params string[] arguments)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            ArgumentList =
            {
                "-c", "log=$1; shift; exec dotnet \"$0\" \"$@\" >>\"$log\" 2>&1 </dev/null",
                Paths.SlipwayDll, ServerLog, "server", "--data", DataDirectory, "--router-listen", $"127.0.0.1:{RouterPort}", "--router-admin", $"127.0.0.1:{AdminPort}",
            },
        };
        foreach (var argument in arguments.Length > 0 ? arguments : ["--api", $"127.0.0.1:{ApiPort}"])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove(ApiTokenVariable);
        _server = Process.Start(info)!;
        return _server;
    }

    /// <summary>SIGKILL: the controller dies at whatever line it was on.</summary>
    public async Task KillServerAsync()
    {
        _server!.Kill(entireProcessTree: false);
        await _server.WaitForExitAsync();
    }

    public string WriteSpec(string name, string yaml)
    {
        var path = Path.Combine(DataDirectory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public async Task ApplyAsync(string yaml, string name = "app.yaml")
    {
        var path = WriteSpec(name, yaml);
        using var response = await Api.PostAsJsonAsync("api/v1/apply", new ApplyRequest(path, yaml, DataDirectory), SlipwayJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"apply failed: {body}");
    }

    public async Task<StatusView> StatusAsync(string app, string env = "dev")
    {
        var json = await Api.GetStringAsync($"api/v1/apps/{app}/{env}");
        return JsonSerializer.Deserialize<StatusView>(json, SlipwayJson.Options)!;
    }

    public Task<StatusView> WaitForStatusAsync(string app, Func<StatusView, bool> done, string what, int seconds = 120) =>
        Eventually.WaitAsync(() => StatusAsync(app), done, TimeSpan.FromSeconds(seconds), what);

    public async Task CommandAsync(string app, string command, bool full = false)
    {
        using var response = await Api.PostAsJsonAsync($"api/v1/apps/{app}/dev/rollout/{command}", new RolloutCommandRequest(full), SlipwayJson.Options);
        Assert.True(response.IsSuccessStatusCode, $"{command} failed: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{AdminPort}/metrics");
    }

    /// <summary>Runs the real CLI against this cluster: the server in $SLIPWAY_SERVER, the token in the data directory ($SLIPWAY_DATA).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(params string[] args) =>
        CliAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs the real CLI with <paramref name="environment"/> over the defaults of <see cref="CliAsync(string[])"/> (null removes a variable).</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CliAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = StartCli(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the real CLI as <see cref="CliAsync(string[])"/> does and leaves it running (for <c>--follow</c>); the caller kills it.</summary>
    public Process StartCli(params string[] args) => StartCli(new Dictionary<string, string?>(), args);

    private Process StartCli(IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Paths.SlipwayDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SLIPWAY_SERVER"] = ServerUrl;
        info.Environment["SLIPWAY_DATA"] = DataDirectory;
        info.Environment.Remove(ApiTokenVariable);
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return Process.Start(info)!;
    }

    /// <summary>
    /// A minimal app spec for the sample service: its build output (or <paramref name="artifact"/>), and
    /// <c>$VERSION</c> unless <paramref name="version"/> is null (the sample then reads a VERSION file).
    /// </summary>
    public static string SampleSpec(string name, string? version, string strategy, int replicas = 3, string extraEnv = "", int progressDeadlineSeconds = 120, string route = "", string? artifact = null) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}
          environment: dev
        spec:
          artifact:
            path: {artifact ?? Paths.SampleDirectory}
          command: dotnet
          args: [Slipway.Sample.dll]
          env:{(version is null ? " []" : $"\n    - name: VERSION\n      value: {version}")}{extraEnv}
          replicas: {replicas}
          probes:
            readiness:
              httpGet:
                path: /healthz
              periodSeconds: 1
              failureThreshold: 1
          terminationGracePeriodSeconds: 5
          progressDeadlineSeconds: {progressDeadlineSeconds}{route}
          strategy:
        {Indent(strategy, 4)}
        """;

    /// <summary>
    /// The sample service from an image (<paramref name="image"/>: a tag, resolved to its digest by the apply): the
    /// image says what runs; VERSION comes from the image (see <see cref="SampleImages"/>).
    /// </summary>
    public static string ImageSpec(string name, string image, string strategy, int replicas = 3) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}
          environment: dev
        spec:
          artifact:
            image: {image}
          replicas: {replicas}
          probes:
            readiness:
              httpGet:
                path: /healthz
              periodSeconds: 1
              failureThreshold: 1
          terminationGracePeriodSeconds: 5
          progressDeadlineSeconds: 180
          strategy:
        {Indent(strategy, 4)}
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => new string(' ', spaces) + l));

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        await DataPlane.StopAllAsync(DataDirectory, CancellationToken.None);
        Api.Dispose();
        try
        {
            Slipway.Local.Files.WritableTree.Delete(DataDirectory); // the artifact store's copies are read-only
        }
        catch (IOException)
        {
        }
    }
}
