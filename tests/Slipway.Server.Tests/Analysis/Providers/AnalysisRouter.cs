using System.Net;
using Slipway.Router;
using Slipway.Server.Routing;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>
/// A real router (in process, on loopback port 0) routing app <c>web</c> in <c>prod</c> as during a canary: revision 1
/// (stable) takes the traffic, revision 2 (the canary) the requests with <c>X-Canary: yes</c>, and revision 3 is in
/// the table with no instance and no weight, so the router knows it and never routes to it.
/// </summary>
internal sealed class AnalysisRouter : IAsyncDisposable
{
    public const string App = "web";
    public const string Environment = "prod";

    private readonly TemporaryDirectory _directory;
    private readonly RouterServer _server;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;

    private AnalysisRouter(TemporaryDirectory directory, RouterServer server, RouterAddresses addresses, TimeProvider time)
    {
        _directory = directory;
        _server = server;
        _time = time;
        Admin = addresses.Admin;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = addresses.Listen, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Admin { get; }

    /// <param name="time">The router's clock (and the admin client's); a fake one makes windows exact.</param>
    public static async Task<AnalysisRouter> StartAsync(RevisionBackend stable, RevisionBackend canary, TimeProvider? time = null)
    {
        var directory = new TemporaryDirectory();
        var config = directory.Combine("routes.json");
        RouterConfigFile.Write(config, new RouterConfig(1, [
            new RouteConfig("web/prod", App, Environment, null, "/", [
                new BackendGroup("1", 100, [stable.Address]),
                new BackendGroup("2", 0, [canary.Address]),
                new BackendGroup("3", 0, []),
            ], new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Canary", "yes")])),
        ]));
        // No access log: its writer batches on the clock, which a fake clock only moves when the test does.
        var server = new RouterServer(new RouterOptions(config, "127.0.0.1:0", "127.0.0.1:0") { AccessLogEnabled = false }, timeProvider: time);
        var addresses = await server.StartAsync(CancellationToken.None);
        return new AnalysisRouter(directory, server, addresses, time ?? TimeProvider.System);
    }

    public RouterAdminClient AdminClient() => new(new HttpClient { BaseAddress = Admin, Timeout = TimeSpan.FromSeconds(10) }, _time);

    /// <summary>Sends <paramref name="count"/> requests to revision 1 or 2, <paramref name="concurrency"/> at a time,
    /// and returns the status codes the client received.</summary>
    public async Task<List<HttpStatusCode>> SendAsync(int revision, int count, int concurrency = 1)
    {
        var codes = new List<HttpStatusCode>();
        for (var sent = 0; sent < count; sent += concurrency)
        {
            codes.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count - sent)).Select(_ => SendOneAsync(revision))));
        }

        return codes;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<HttpStatusCode> SendOneAsync(int revision)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (revision == 2)
        {
            request.Headers.Add("X-Canary", "yes");
        }

        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }
}
