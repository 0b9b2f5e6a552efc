using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Serialization;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Router;
using Slipway.Server.Api;
using Slipway.Server.Apply;
using Slipway.Server.Images;
using Slipway.Server.Supply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Supply.Support;

/// <summary>
/// A real <c>slipway server</c> in this process, with a real router, on loopback ports of 17900-17999, its API over real
/// HTTP; its registry client speaks plain http to the test registries (as <c>--insecure-registry</c> will make it), its
/// advisory database is <see cref="Advisories"/>, and the gate and the exceptions read <see cref="Clock"/> — a clock the
/// test moves, starting at the real time. Disposing stops it and deletes its directory.
/// </summary>
internal sealed class SupplyServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _temp;
    private readonly RouterServer _router;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private SupplyServer(TemporaryDirectory temp, RouterServer router, ServerOptions options, CancellationTokenSource stop, Task run, HttpClient http, string token, FakeTimeProvider clock, RegistryClient registry)
    {
        _temp = temp;
        _router = router;
        Options = options;
        _stop = stop;
        _run = run;
        Http = http;
        Token = token;
        Clock = clock;
        Registry = registry;
    }

    public ServerOptions Options { get; }

    public HttpClient Http { get; }

    public string Token { get; }

    /// <summary>The time the vulnerability gate and the exceptions read.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>A client of the test registries, as the server's is configured (for the test's own checks).</summary>
    public RegistryClient Registry { get; }

    public TemporaryDirectory Temp => _temp;

    /// <param name="advisories">The advisory database's folder, or null to run without one.</param>
    public static async Task<SupplyServer> StartAsync(string? advisories, params Registry[] registries)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(advisories, registries);
            }
            catch (Exception e) when (attempt < 5 && e.ToString().Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A port probed free was taken before the server bound it (a registry of a parallel test): other ports.
            }
        }
    }

    private static async Task<SupplyServer> TryStartAsync(string? advisories, Registry[] registries)
    {
        var temp = new TemporaryDirectory();
        var data = temp.Combine("data");
        var router = new RouterServer(new RouterOptions(Path.Combine(data, "router", "routes.json"), $"127.0.0.1:{SupplyPorts.Free()}", $"127.0.0.1:{SupplyPorts.Free()}"), NullLoggerFactory.Instance);
        RouterAddresses addresses;
        try
        {
            addresses = await router.StartAsync(CancellationToken.None);
        }
        catch
        {
            await router.DisposeAsync();
            temp.Dispose();
            throw;
        }

        var options = new ServerOptions(data, $"127.0.0.1:{SupplyPorts.Free()}", $"127.0.0.1:{addresses.Listen.Port}", $"127.0.0.1:{addresses.Admin.Port}")
        {
            MinimumLogLevel = LogLevel.Warning,
            AdvisoriesPath = advisories,
        };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = TestRegistries.Client(registries);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => ServerHost.RunAsync(options, services =>
        {
            var client = TestRegistries.Client(registries);
            services.AddSingleton(_ => client);
            services.AddSingleton<IImageResolver>(new TestImageResolver(client));
            services.AddSingleton(sp => new VulnerabilityExceptions(sp.GetRequiredService<Store.IStore>(), clock));
            services.AddSingleton(sp => new ImageGate(
                sp.GetRequiredService<SbomService>(), sp.GetRequiredService<AdvisoryDatabase>(), sp.GetRequiredService<VulnerabilityExceptions>(),
                sp.GetRequiredService<ImagePolicies>(), sp.GetRequiredService<ImageSignatures>(), clock));
        }, stop.Token));
        var http = new HttpClient { BaseAddress = new Uri($"http://{options.ApiListen}"), Timeout = TimeSpan.FromSeconds(120) };
        try
        {
            await WaitUntilAnsweringAsync(http, run);
        }
        catch
        {
            await stop.CancelAsync();
            http.Dispose();
            registry.Dispose();
            await router.DisposeAsync();
            temp.Dispose();
            throw;
        }

        var token = (await File.ReadAllTextAsync(ApiTokenFile.PathIn(data))).Trim();
        return new SupplyServer(temp, router, options, stop, run, http, token, clock, registry);
    }

    /// <summary>Applies <paramref name="yaml"/> as <c>slipway apply</c> does; fails the test on errors.</summary>
    public async Task ApplyAsync(string yaml)
    {
        var path = _temp.WriteFile("apply.yaml", yaml);
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/apply", new ApplyRequest(path, yaml, _temp.Path));
        Assert.True(status < 300, $"apply failed: {body}");
    }

    /// <summary>An API call with the token; the status and the body as JSON (or null).</summary>
    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: SlipwayJson.Options);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>An API call that must succeed, read as <typeparamref name="T"/>.</summary>
    public async Task<T> CallAsync<T>(HttpMethod method, string path, object? body = null)
    {
        var (status, answer) = await SendAsync(method, path, body);
        Assert.True(status < 300, $"{method} {path} answered {status}: {answer}");
        return answer.Deserialize<T>(SlipwayJson.Options)!;
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

        await DataPlane.StopAllAsync(Options.DataDirectory, CancellationToken.None);
        Http.Dispose();
        Registry.Dispose();
        _stop.Dispose();
        await _router.DisposeAsync();
        _temp.Dispose();
    }

    private static async Task WaitUntilAnsweringAsync(HttpClient http, Task run)
    {
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

            if (run.IsCompleted || waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("the server did not start: " + (run.IsFaulted ? run.Exception.ToString() : "no answer within 60 s"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Pins image artifacts at apply through the test registries (the server's resolver comes with the trust part).</summary>
    private sealed class TestImageResolver(RegistryClient registry) : IImageResolver
    {
        public async Task<ImageResolution> ResolveAsync(ImageReference reference, CancellationToken ct)
        {
            try
            {
                return ImageResolution.Found(await registry.ResolveAsync(reference, ct));
            }
            catch (RegistryException e)
            {
                return ImageResolution.Failed(e.Message);
            }
        }
    }
}
