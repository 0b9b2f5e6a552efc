using System.Diagnostics;
using System.Net.Sockets;
using Slipway.Oci.Registry;

namespace Slipway.Oci.Tests.Support;

/// <summary>
/// A real registry: Debian's <c>docker-registry</c> (CNCF distribution 2.8) serving a temporary storage directory on
/// a free loopback port of this suite's range, with deletes enabled. Variants: Basic authentication from an htpasswd
/// file (made with <c>htpasswd -B</c>, from Debian's apache2-utils), token authentication against a
/// <see cref="TokenServer"/>, TLS with a certificate from <see cref="TestCertificates"/>, relative Location headers.
/// Started ready (it accepts connections); disposing kills it and deletes its directory.
/// </summary>
internal sealed class RegistryServer : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private const int LogLines = 400;

    private readonly Process process;
    private readonly TemporaryDirectory directory;
    private readonly Queue<string> log;

    private RegistryServer(Process process, TemporaryDirectory directory, Queue<string> log, int port)
    {
        this.process = process;
        this.directory = directory;
        this.log = log;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The registry's storage (distribution's filesystem driver), for tests that look at or damage what it stored.</summary>
    public string StorageDirectory => directory.Combine("data");

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of its image references.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Client options that speak plain http to this registry (listed insecure), as every test of a plain registry does.</summary>
    public RegistryClientOptions InsecureOptions => new() { InsecureRegistries = new HashSet<string> { Address } };

    /// <summary>The last lines the registry logged (its access log included), for failure messages and request checks.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return string.Join('\n', log);
            }
        }
    }

    /// <summary><c>127.0.0.1:PORT/NAME[:tag]</c> as a reference.</summary>
    public ImageReference Reference(string name) => ImageReference.Parse($"{Address}/{name}");

    public static async Task<RegistryServer> StartAsync(RegistryServerOptions? options = null)
    {
        options ??= new RegistryServerOptions();
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TemporaryDirectory("slipway-registry");
            var port = LoopbackPorts.Free();
            var log = new Queue<string>();
            Process process;
            try
            {
                var config = directory.WriteFile("config.yml", await ConfigAsync(directory, port, options));
                process = Start(config, log);
            }
            catch
            {
                directory.Dispose();
                throw;
            }

            var server = new RegistryServer(process, directory, log, port);
            try
            {
                await server.WaitUntilListeningAsync();
                return server;
            }
            catch (Exception) when (attempt < 5 && process.HasExited && server.Log.Contains("address already in use", StringComparison.Ordinal))
            {
                await server.DisposeAsync();
            }
            catch (Exception)
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }

        process.Dispose();
        directory.Dispose();
    }

    private static async Task<string> ConfigAsync(TemporaryDirectory directory, int port, RegistryServerOptions options)
    {
        var lines = new List<string>
        {
            "version: 0.1",
            "log:",
            "  level: info",
            "  formatter: text",
            "storage:",
            "  filesystem:",
            $"    rootdirectory: {directory.Combine("data")}",
            "  delete:",
            "    enabled: true",
            "  maintenance:",
            "    uploadpurging:",
            "      enabled: false",
            "http:",
            $"  addr: 127.0.0.1:{port}",
            "  secret: slipway-test-registry-secret",
            $"  relativeurls: {(options.RelativeUrls ? "true" : "false")}",
        };
        if (options.Tls is { } certificates)
        {
            lines.Add("  tls:");
            lines.Add($"    certificate: {certificates.WriteServerCertificate(directory.Combine("server.crt"))}");
            lines.Add($"    key: {certificates.WriteServerKey(directory.Combine("server.key"))}");
        }

        if (options.Users is { } users)
        {
            var entries = new List<string>();
            foreach (var (user, password) in users)
            {
                entries.Add((await Tool.RunAsync("htpasswd", "-Bbn", user, password)).Trim());
            }

            lines.Add("auth:");
            lines.Add("  htpasswd:");
            lines.Add("    realm: slipway-test");
            lines.Add($"    path: {directory.WriteFile("htpasswd", string.Join('\n', entries) + "\n")}");
        }
        else if (options.Token is { } token)
        {
            lines.Add("auth:");
            lines.Add("  token:");
            lines.Add($"    realm: {token.Realm}");
            lines.Add($"    service: {TokenServer.Service}");
            lines.Add($"    issuer: {TokenServer.Issuer}");
            lines.Add($"    rootcertbundle: {token.WriteCertificate(directory.Combine("token-signer.crt"))}");
        }

        return string.Join('\n', lines) + "\n";
    }

    private static Process Start(string config, Queue<string> log)
    {
        var info = new ProcessStartInfo("docker-registry")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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

    private async Task WaitUntilListeningAsync()
    {
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"docker-registry exited with code {process.ExitCode}:\n{Log}");
                    }

                    try
                    {
                        using var client = new TcpClient();
                        await client.ConnectAsync("127.0.0.1", Port);
                        return true;
                    }
                    catch (SocketException)
                    {
                        return false;
                    }
                },
                $"docker-registry listening on {Address}",
                StartDeadline);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; its log:\n{Log}", e);
        }
    }

    private static void Keep(Queue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Enqueue(line);
            if (log.Count > LogLines)
            {
                log.Dequeue();
            }
        }
    }
}

/// <summary>How a <see cref="RegistryServer"/> authenticates and speaks; the default is anonymous plain http.</summary>
internal sealed record RegistryServerOptions
{
    /// <summary>Basic authentication with these users (name → password), through an htpasswd file.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>Token authentication: the registry sends clients to this server's realm and trusts its signing certificate.</summary>
    public TokenServer? Token { get; init; }

    /// <summary>TLS with the server certificate of these certificates.</summary>
    public TestCertificates? Tls { get; init; }

    /// <summary>Location headers relative to the request (distribution's <c>http.relativeurls</c>) rather than absolute.</summary>
    public bool RelativeUrls { get; init; }
}
