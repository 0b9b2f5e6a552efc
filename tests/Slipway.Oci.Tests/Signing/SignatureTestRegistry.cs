using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Slipway.Oci.Tests.Signing;

/// <summary>
/// A real registry (Debian's <c>docker-registry</c>, the CNCF distribution registry) on a loopback port of the signing
/// tests' own range, with a storage directory of its own, and the few distribution-API calls these tests need to put
/// an image and its signature image there and read them back. The registry client Slipway ships lives in
/// src/Slipway.Oci/Registry and is written separately; these tests do not depend on it, so the signature format is
/// checked against the registry and skopeo alone. Disposing kills the registry and deletes its directory.
/// </summary>
internal sealed class SignatureTestRegistry : IAsyncDisposable
{
    // The loopback range given to the signing tests; other suites use others.
    private const int FirstPort = 17400;
    private const int LastPort = 17499;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly SigningTempDirectory _directory;
    private readonly HttpClient _http;
    private readonly List<string> _log;

    private SignatureTestRegistry(Process process, SigningTempDirectory directory, List<string> log, int port)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Host = $"127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri($"http://{Host}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of an image reference.</summary>
    public string Host { get; }

    public static async Task<SignatureTestRegistry> StartAsync()
    {
        for (var port = FirstPort + Random.Shared.Next(0, 50); port <= LastPort; port++)
        {
            if (!IsFree(port))
            {
                continue;
            }

            var directory = new SigningTempDirectory();
            var log = new List<string>();
            var registry = new SignatureTestRegistry(Start(directory, port, log), directory, log, port);
            try
            {
                await registry.WaitUntilReadyAsync();
                return registry;
            }
            catch (Exception) when (registry._process.HasExited && registry.Log.Contains("address already in use", StringComparison.Ordinal))
            {
                await registry.DisposeAsync();
            }
            catch (Exception)
            {
                await registry.DisposeAsync();
                throw;
            }
        }

        throw new InvalidOperationException($"no free loopback port in {FirstPort}-{LastPort} for the test registry");
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public async Task PushBlobAsync(string repository, byte[] content)
    {
        var digest = Digest.Sha256(content);
        using var start = await _http.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"starting an upload to {repository}: {start.StatusCode}");
        var location = start.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(_http.BaseAddress!, location);
        var separator = target.Query.Length > 0 ? "&" : "?";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _http.PutAsync($"{target}{separator}digest={Uri.EscapeDataString(digest.ToString())}", body);
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"uploading {digest} to {repository}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }

    public async Task<Digest> PutManifestAsync(string repository, string reference, string mediaType, byte[] manifest)
    {
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var put = await _http.PutAsync($"/v2/{repository}/manifests/{reference}", body);
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"putting manifest {reference} in {repository}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        return Digest.Parse(put.Headers.GetValues("Docker-Content-Digest").Single());
    }

    /// <summary>A manifest by tag or digest, or null when the registry has none (404).</summary>
    public async Task<byte[]?> GetManifestAsync(string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await _http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"getting manifest {reference} of {repository}: {response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async Task<byte[]> GetBlobAsync(string repository, Digest digest)
    {
        using var response = await _http.GetAsync($"/v2/{repository}/blobs/{digest}");
        Assert.True(response.IsSuccessStatusCode, $"getting blob {digest} of {repository}: {response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        _process.Dispose();
        _directory.Dispose();
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Process Start(SigningTempDirectory directory, int port, List<string> log)
    {
        var config = directory.Write("config.yml", $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {directory.Combine("data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}

            """);
        var info = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Keep(log, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"cannot start docker-registry ({e.Message}): install Debian's docker-registry package, as .ci/run does", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartDeadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with code {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await _http.GetAsync("/v2/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"docker-registry did not answer /v2/ on {Host} within {StartDeadline.TotalSeconds} s; its log:\n{Log}");
    }

    private static void Keep(List<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Add(line);
            if (log.Count > 200)
            {
                log.RemoveAt(0);
            }
        }
    }
}
