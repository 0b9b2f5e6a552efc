using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Build;

/// <summary>
/// A real registry for the build tests: Debian's docker-registry (CNCF distribution 2.8) on a loopback port of
/// 18000–18099 (this test area's range), storing in a temporary directory; killed and removed on Dispose. The engine
/// pushes to 127.0.0.0/8 over plain HTTP without configuration.
/// </summary>
internal sealed class BuildRegistry : IDisposable
{
    private readonly TemporaryDirectory _storage;
    private readonly Process _process;

    private BuildRegistry(int port, Process process, TemporaryDirectory storage)
    {
        Port = port;
        _process = process;
        _storage = storage;
    }

    public string Host => $"127.0.0.1:{Port}";

    public int Port { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<BuildRegistry> StartAsync()
    {
        var port = FreePort();
        var storage = new TemporaryDirectory();
        var config = storage.WriteFile("config.yml", $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {storage.Path}/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            """);
        var info = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            storage.Dispose();
            throw new InvalidOperationException("these tests need docker-registry (apt-get install docker-registry; .ci/run installs it)", e);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new BuildRegistry(port, process, storage);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"docker-registry exited with {process.ExitCode} (port {port} taken?)");
                }

                try
                {
                    using var response = await registry.Http.GetAsync($"http://{registry.Host}/v2/");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, $"docker-registry answering on {registry.Host}");
        }
        catch
        {
            registry.Dispose();
            throw;
        }

        return registry;
    }

    /// <summary>The tags of <paramref name="repository"/>; none when the registry does not know it.</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        using var response = await Http.GetAsync($"http://{Host}/v2/{repository}/tags/list");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("tags") is { ValueKind: JsonValueKind.Array } tags ? [.. tags.EnumerateArray().Select(t => t.GetString()!)] : [];
    }

    /// <summary>What the registry says <paramref name="reference"/> (a tag) is: its manifest's digest and its config's labels.</summary>
    public async Task<(string Digest, IReadOnlyDictionary<string, string> Labels)> ManifestAsync(string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Host}/v2/{repository}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.docker.distribution.manifest.v2+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.oci.image.manifest.v1+json"));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        using var manifest = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var config = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString();
        using var blob = JsonDocument.Parse(await Http.GetStringAsync($"http://{Host}/v2/{repository}/blobs/{config}"));
        var labels = blob.RootElement.GetProperty("config").TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object
            ? l.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : [];
        return (digest, labels);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It had exited.
        }

        _process.Dispose();
        Http.Dispose();
        _storage.Dispose();
    }

    /// <summary>A port of 18000–18099 free a moment ago, tried from a random one on so that parallel runs rarely meet.</summary>
    private static int FreePort()
    {
        var first = Random.Shared.Next(100);
        for (var i = 0; i < 100; i++)
        {
            var port = 18000 + ((first + i) % 100);
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

        throw new InvalidOperationException("no free loopback port in 18000-18099");
    }
}
