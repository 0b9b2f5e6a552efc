using System.Diagnostics;
using System.Net.Sockets;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Supply.Support;

/// <summary>
/// A real registry: Debian's <c>docker-registry</c> (CNCF distribution 2.8) on a loopback port of 17900-17999, plain
/// http, with its storage in a temporary directory. Started listening; disposing kills it and deletes the directory.
/// </summary>
internal sealed class Registry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TemporaryDirectory _directory;
    private readonly List<string> _log;

    private Registry(Process process, TemporaryDirectory directory, List<string> log, int port)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Port = port;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>: the registry part of its references, and how it is listed as insecure.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public ImageReference Reference(string name) => ImageReference.Parse($"{Address}/{name}");

    public static async Task<Registry> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = new TemporaryDirectory();
            var port = SupplyPorts.Free();
            var config = directory.WriteFile("config.yml", $"""
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
                  secret: slipway-supply-test
                """);
            var log = new List<string>();
            var info = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("serve");
            info.ArgumentList.Add(config);
            var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => Keep(log, e.Data);
            process.ErrorDataReceived += (_, e) => Keep(log, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var registry = new Registry(process, directory, log, port);
            try
            {
                await Eventually.TrueAsync(
                    async () =>
                    {
                        if (process.HasExited)
                        {
                            throw new InvalidOperationException($"docker-registry exited with {process.ExitCode}: {string.Join('\n', log)}");
                        }

                        try
                        {
                            using var client = new TcpClient();
                            await client.ConnectAsync("127.0.0.1", port);
                            return true;
                        }
                        catch (SocketException)
                        {
                            return false;
                        }
                    },
                    $"docker-registry listening on 127.0.0.1:{port}",
                    TimeSpan.FromSeconds(60));
                return registry;
            }
            catch (InvalidOperationException) when (attempt < 5 && string.Join('\n', log).Contains("address already in use", StringComparison.Ordinal))
            {
                await registry.DisposeAsync();
            }
            catch
            {
                await registry.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
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

    private static void Keep(List<string> log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.Add(line);
            }
        }
    }
}

/// <summary>A registry client that speaks plain http to the given test registries, as the server's is configured in these tests.</summary>
internal static class TestRegistries
{
    public static RegistryClient Client(params Registry[] registries) =>
        new(new RegistryClientOptions { InsecureRegistries = registries.Select(r => r.Address).ToHashSet(StringComparer.OrdinalIgnoreCase) });
}
