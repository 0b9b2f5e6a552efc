using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Slipway.Docker.Tests.Support;

/// <summary>
/// A real registry: Debian's docker-registry (CNCF distribution 2.8) on a loopback port, storing in a temporary
/// directory; killed and removed on Dispose. The engine pushes to 127.0.0.0/8 over plain HTTP without configuration.
/// </summary>
internal sealed class RegistryProcess : IDisposable
{
    private readonly TempDirectory _storage;
    private readonly Process _process;

    private RegistryProcess(int port, Process process, TempDirectory storage)
    {
        Port = port;
        _process = process;
        _storage = storage;
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <param name="login">With one, the registry asks for it (basic auth from an htpasswd file, bcrypt as distribution requires).</param>
    public static async Task<RegistryProcess> StartAsync((string User, string Password)? login = null)
    {
        var port = TestPorts.Free();
        var storage = new TempDirectory();
        var auth = "";
        if (login is var (user, password))
        {
            var htpasswd = RunHtpasswd(user, password);
            storage.Write("htpasswd", htpasswd);
            auth = $"""
                auth:
                  htpasswd:
                    realm: slipway-test
                    path: {storage.Path}/htpasswd
                """;
        }

        var config = storage.Write("config.yml", $"""
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
            {auth}
            """);
        var info = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = Process.Start(info) ?? throw new InvalidOperationException("docker-registry did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new RegistryProcess(port, process, storage);
        try
        {
            await WaitUntilServingAsync(registry, process);
        }
        catch
        {
            registry.Dispose();
            throw;
        }

        return registry;
    }

    private static async Task WaitUntilServingAsync(RegistryProcess registry, Process process) =>
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {process.ExitCode} (is the docker-registry package installed?)");
            }

            try
            {
                using var response = await registry.Http.GetAsync($"http://{registry.Host}/v2/");
                return response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"docker-registry answering on {registry.Host}");

    private static string RunHtpasswd(string user, string password)
    {
        var info = new ProcessStartInfo("htpasswd") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-Bbn", user, password])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("htpasswd did not start (package apache2-utils)");
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? text : throw new InvalidOperationException($"htpasswd failed: {process.StandardError.ReadToEnd()}");
    }

    public async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        using var response = await Http.GetAsync($"http://{Host}/v2/{repository}/tags/list");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("tags") is { ValueKind: JsonValueKind.Array } tags ? tags.EnumerateArray().Select(t => t.GetString()!).ToList() : [];
    }

    /// <summary>The manifest's digest as the registry reports it (Docker-Content-Digest) and the image config's labels.</summary>
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
            : new Dictionary<string, string>();
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
        }

        _process.Dispose();
        Http.Dispose();
        _storage.Dispose();
    }
}
