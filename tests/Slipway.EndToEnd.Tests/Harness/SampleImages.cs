using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Slipway.Docker;
using Slipway.Docker.Engine;
using Slipway.Docker.Images;
using Slipway.Oci;

namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>
/// The sample service as two images, v1 and v2 (the same service, VERSION baked in), built from
/// samples/Slipway.Sample/Dockerfile through the real Docker Engine and pushed to a real registry on a loopback port:
/// what a team's <c>slipway build</c> leaves for a canary to go between. Built once per test class (a class
/// fixture); disposing kills the registry and removes its storage and the images.
/// </summary>
public sealed class SampleImages : IAsyncLifetime
{
    private Process? _registry;
    private string? _root;

    public DockerEngine Engine { get; } = new(DockerEndpoint.FromEnvironment());

    /// <summary>The registry, host:port, which the server must be told is plain HTTP (--insecure-registry).</summary>
    public string Registry { get; private set; } = "";

    /// <summary>The images by tag, <c>127.0.0.1:PORT/sample:v1</c>: apply resolves the tag to the digest.</summary>
    public string V1 => $"{Registry}/sample:v1";

    public string V2 => $"{Registry}/sample:v2";

    public async Task InitializeAsync()
    {
        if (!await Engine.PingAsync(CancellationToken.None) || await Engine.Images.InspectAsync("slipway/debian:bookworm", CancellationToken.None) is null)
        {
            throw new InvalidOperationException(
                $"these tests need a Docker Engine at {Engine.Endpoint} with slipway/debian:bookworm: run scripts/docker-engine.sh start and scripts/base-image.sh (./test.sh does both)");
        }

        _root = Directory.CreateTempSubdirectory("slipway-images-").FullName;
        var port = FreePort();
        Registry = $"127.0.0.1:{port}";
        _registry = await StartRegistryAsync(_root, port);

        // The Dockerfile's own instructions: the published service in bin/image of the context.
        var context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        await RunAsync("dotnet", "publish", Path.Combine(Paths.Repository, "samples", "Slipway.Sample", "Slipway.Sample.csproj"), "-c", "Release", "-r", "linux-x64",
            "--self-contained", "-o", Path.Combine(context, "bin", "image"), "-nologo", "-v", "q");
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(Paths.Repository, "samples", "Slipway.Sample", "Dockerfile"));
        foreach (var version in (string[])["v1", "v2"])
        {
            await File.WriteAllTextAsync(Path.Combine(context, $"Dockerfile.{version}"), dockerfile + $"\nENV VERSION={version}\n");
            var tag = ImageReference.Parse($"{Registry}/sample:{version}");
            await Engine.Images.BuildAsync(new ImageBuildRequest(context, $"Dockerfile.{version}", [tag.ToString()]), onOutput: null, CancellationToken.None);
            await Engine.Images.PushAsync(tag, null, null, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var image in (string[])[V1, V2])
        {
            await Engine.Images.RemoveAsync(image, force: true, CancellationToken.None);
        }

        if (_registry is { HasExited: false })
        {
            _registry.Kill(entireProcessTree: true);
            await _registry.WaitForExitAsync();
        }

        _registry?.Dispose();
        if (_root is not null)
        {
            Directory.Delete(_root, recursive: true);
        }

        Engine.Dispose();
    }

    private static async Task<Process> StartRegistryAsync(string root, int port)
    {
        var config = Path.Combine(root, "registry.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {root}/registry
            http:
              addr: 127.0.0.1:{port}
            """);
        var info = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true, ArgumentList = { "serve", config } };
        var process = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync($"http://127.0.0.1:{port}/v2/")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok || process.HasExited,
            TimeSpan.FromSeconds(30),
            "the registry answering");
        return process.HasExited ? throw new InvalidOperationException("docker-registry exited (is the docker-registry package installed?)") : process;
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
