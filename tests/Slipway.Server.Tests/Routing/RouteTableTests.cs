using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Router;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Routing;

/// <summary>
/// The route table turns a rollout's traffic plan into the router's routes, and writes them to the
/// router's file only when they change, so that the router sees a new version exactly when it has work to do.
/// </summary>
public sealed class RouteTableTests : IDisposable
{
    private static readonly HeaderRoutePlan Beta = new("beta", [new HeaderMatch("X-Canary", new StringMatch(Exact: "yes")), new HeaderMatch("User-Agent", new StringMatch(Prefix: "curl/"))]);

    private readonly TemporaryDirectory _temp = new();

    private ServerOptions Options => new(_temp.Path);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_canary_plan_splits_the_main_route_by_weight_with_the_ready_endpoints_of_each_revision()
    {
        var plan = new TrafficPlan([new(1, 90), new(2, 10)], Beta, 2, new MirrorPlan(2, 20), null);

        var route = Assert.Single(RouteTable.BuildRoutes("web", "prod", Spec(Canary), plan, Ready));

        Assert.Equal(("web/prod", "web", "prod", "web.prod.localhost", "/shop"), (route.Id, route.App, route.Environment, route.Host, route.PathPrefix));
        Assert.Collection(
            route.Backends,
            b =>
            {
                Assert.Equal(("1", 90), (b.Revision, b.Weight));
                Assert.Equal(Ready(1), b.Endpoints);
            },
            b =>
            {
                Assert.Equal(("2", 10), (b.Revision, b.Weight));
                Assert.Equal(Ready(2), b.Endpoints);
            });
        Assert.Equal("2", route.HeaderRoute?.Revision);
        Assert.Equal([new HeaderMatchConfig("X-Canary", Exact: "yes"), new HeaderMatchConfig("User-Agent", Prefix: "curl/")], route.HeaderRoute!.Matches);
        Assert.Equal(new MirrorConfig("2", 20), route.Mirror);
    }

    [Fact]
    public void A_header_route_or_mirror_to_a_revision_without_weight_still_gives_the_router_its_endpoints()
    {
        // Early canary steps: all weight on stable, testers reach the canary by header, a share is mirrored to it.
        var plan = new TrafficPlan([new(1, 100)], Beta, 2, new MirrorPlan(2, 20), null);

        var route = Assert.Single(RouteTable.BuildRoutes("web", "prod", Spec(Canary), plan, Ready));

        Assert.Equal([("1", 100), ("2", 0)], route.Backends.Select(b => (b.Revision, b.Weight)));
        Assert.Equal(Ready(2), route.Backends.Single(b => b.Revision == "2").Endpoints);
        Assert.Equal("2", route.HeaderRoute?.Revision);
        Assert.Equal("2", route.Mirror?.Revision);
    }

    [Fact]
    public void A_mirror_alone_adds_its_revision_once()
    {
        var plan = new TrafficPlan([new(1, 100)], null, null, new MirrorPlan(3, 50), null);

        var route = Assert.Single(RouteTable.BuildRoutes("web", "prod", Spec(Canary), plan, Ready));

        Assert.Equal(["1", "3"], route.Backends.Select(b => b.Revision));
        Assert.Null(route.HeaderRoute);
        Assert.Equal(new MirrorConfig("3", 50), route.Mirror);
    }

    [Fact]
    public void A_plan_without_canary_parts_has_one_route_with_no_header_route_or_mirror()
    {
        var plan = new TrafficPlan([new(4, 100)], null, null, null, null);

        var route = Assert.Single(RouteTable.BuildRoutes("web", "prod", Spec(new RecreateStrategy()), plan, Ready));

        Assert.Equal([("4", 100)], route.Backends.Select(b => (b.Revision, b.Weight)));
        Assert.Null(route.HeaderRoute);
        Assert.Null(route.Mirror);
    }

    [Fact]
    public void Blue_green_serves_the_preview_revision_on_a_second_route_with_the_preview_host()
    {
        var blueGreen = new BlueGreenStrategy(false, new RouteSpec("web-preview.prod.localhost", "/"), 30);
        var plan = new TrafficPlan([new(1, 100)], null, null, null, 2);

        var routes = RouteTable.BuildRoutes("web", "prod", Spec(blueGreen), plan, Ready);

        Assert.Equal(2, routes.Length);
        Assert.Equal(("web.prod.localhost", "/shop"), (routes[0].Host, routes[0].PathPrefix));
        Assert.Equal([("1", 100)], routes[0].Backends.Select(b => (b.Revision, b.Weight)));
        var preview = routes[1];
        Assert.Equal(("web/prod/preview", "web", "prod", "web-preview.prod.localhost", "/"), (preview.Id, preview.App, preview.Environment, preview.Host, preview.PathPrefix));
        var backend = Assert.Single(preview.Backends);
        Assert.Equal(("2", 100), (backend.Revision, backend.Weight));
        Assert.Equal(Ready(2), backend.Endpoints);
    }

    [Fact]
    public void A_preview_revision_without_a_blue_green_strategy_has_no_preview_route()
    {
        var plan = new TrafficPlan([new(1, 100)], null, null, null, 2);

        Assert.Single(RouteTable.BuildRoutes("web", "prod", Spec(Canary), plan, Ready));
    }

    [Fact]
    public void Only_the_endpoints_the_readiness_filter_returns_are_routed_to()
    {
        var asked = new List<int>();
        IReadOnlyList<string> OnlyStableReady(int revision)
        {
            asked.Add(revision);
            return revision == 1 ? ["127.0.0.1:5001"] : [];
        }

        var plan = new TrafficPlan([new(1, 50), new(2, 50)], null, null, null, null);

        var route = Assert.Single(RouteTable.BuildRoutes("web", "prod", Spec(Canary), plan, OnlyStableReady));

        Assert.Equal(["127.0.0.1:5001"], route.Backends[0].Endpoints);
        Assert.Empty(route.Backends[1].Endpoints);
        Assert.Equal([1, 2], asked.Order());
    }

    [Fact]
    public void The_first_write_creates_the_file_at_version_one_and_the_router_can_read_it()
    {
        var table = new RouteTable(Options);
        var routes = Routes(weight: 10);

        var version = Write(table, routes);

        Assert.Equal(1, version);
        Assert.Equal(1, table.Version);
        var written = RouterConfigFile.Read(Options.RouterConfigPath);
        Assert.Equal(1, written.Version);
        Assert.Equal(Serialize(routes), Serialize(written.Routes));
        Assert.Equal(["routes.json"], Directory.GetFiles(Options.RouterDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public void Writing_the_same_routes_again_keeps_the_version_and_leaves_the_file_untouched()
    {
        var table = new RouteTable(Options);
        Write(table, Routes(weight: 10));
        var bytes = File.ReadAllBytes(Options.RouterConfigPath);
        var modified = File.GetLastWriteTimeUtc(Options.RouterConfigPath);

        var version = Write(table, Routes(weight: 10));

        Assert.Equal(1, version);
        Assert.Equal(bytes, File.ReadAllBytes(Options.RouterConfigPath));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(Options.RouterConfigPath));
    }

    [Fact]
    public void The_order_routes_are_given_in_is_not_a_change()
    {
        var table = new RouteTable(Options);
        var routes = Routes(weight: 10).Concat(Routes(weight: 0, app: "api")).ToList();
        Write(table, routes);

        var version = Write(table, [routes[1], routes[0]]);

        Assert.Equal(1, version);
    }

    [Fact]
    public void Each_change_writes_the_file_atomically_with_the_next_version()
    {
        var table = new RouteTable(Options);
        Write(table, Routes(weight: 10));
        // A router that opened the table before the write (share mode as permissive as a rename needs).
        using var openBefore = new FileStream(Options.RouterConfigPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        var version = Write(table, Routes(weight: 50));

        Assert.Equal(2, version);
        var written = RouterConfigFile.Read(Options.RouterConfigPath);
        Assert.Equal(2, written.Version);
        Assert.Equal(50, written.Routes[0].Backends[1].Weight);
        // Renamed over, not rewritten in place: the early reader still reads the whole previous table.
        using (var buffer = new MemoryStream())
        {
            openBefore.CopyTo(buffer);
            var previous = RouterConfigFile.Parse(buffer.ToArray());
            Assert.Equal(1, previous.Version);
            Assert.Equal(10, previous.Routes[0].Backends[1].Weight);
        }

        Assert.Equal(["routes.json"], Directory.GetFiles(Options.RouterDirectory).Select(Path.GetFileName));

        Assert.Equal(3, Write(table, Routes(weight: 100)));
        Assert.Equal(3, Write(table, Routes(weight: 100)));
        Assert.Equal(4, Write(table, Routes(weight: 10)));
    }

    [Fact]
    public void A_new_table_over_an_existing_file_continues_from_its_version()
    {
        var first = new RouteTable(Options);
        Write(first, Routes(weight: 10));
        Write(first, Routes(weight: 20));
        Write(first, Routes(weight: 30));

        // The controller restarts: its new table has never written anything.
        var restarted = new RouteTable(Options);
        var version = Write(restarted, Routes(weight: 40));

        Assert.Equal(4, version);
        Assert.Equal(4, RouterConfigFile.Read(Options.RouterConfigPath).Version);
    }

    [Fact]
    public void A_new_table_given_the_routes_already_in_the_file_does_not_rewrite_it()
    {
        var first = new RouteTable(Options);
        Write(first, Routes(weight: 10));
        Write(first, Routes(weight: 20));
        var bytes = File.ReadAllBytes(Options.RouterConfigPath);
        var modified = File.GetLastWriteTimeUtc(Options.RouterConfigPath);

        var restarted = new RouteTable(Options);
        var version = Write(restarted, Routes(weight: 20));

        Assert.Equal(2, version);
        Assert.Equal(2, restarted.Version);
        Assert.Equal(bytes, File.ReadAllBytes(Options.RouterConfigPath));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(Options.RouterConfigPath));
    }

    [Fact]
    public void A_restarted_controller_reads_the_endpoints_the_router_was_last_given()
    {
        Write(new RouteTable(Options), Routes(weight: 10));

        var endpoints = new RouteTable(Options).CurrentEndpoints();

        Assert.Equal(Ready(1).Concat(Ready(2)).ToHashSet(), endpoints);
    }

    [Fact]
    public void Without_a_file_there_are_no_routes_and_the_first_write_is_version_one()
    {
        var table = new RouteTable(Options);

        Assert.Empty(table.CurrentEndpoints());
        Assert.Equal(1, Write(table, Routes(weight: 10)));
    }

    [Fact]
    public void A_corrupt_file_means_no_routes_and_the_next_write_replaces_it()
    {
        Directory.CreateDirectory(Options.RouterDirectory);
        File.WriteAllText(Options.RouterConfigPath, "{ not json");
        var table = new RouteTable(Options);

        Assert.Empty(table.CurrentEndpoints());
        Assert.Equal(1, Write(table, Routes(weight: 10)));
        Assert.Equal(1, RouterConfigFile.Read(Options.RouterConfigPath).Version);
    }

    [Fact]
    public void Setting_one_apps_routes_rewrites_only_its_part_and_keeps_the_others()
    {
        var table = new RouteTable(Options);
        Write(table, Routes(weight: 10).Concat(Routes(weight: 0, app: "api")).ToList());

        Assert.True(table.Set(new AppKey("api", "prod"), Routes(weight: 30, app: "api")));
        Assert.Equal(2, table.Write());

        var written = RouterConfigFile.Read(Options.RouterConfigPath);
        Assert.Equal(["api/prod", "web/prod"], written.Routes.Select(r => r.Id));
        Assert.Equal(30, written.Routes.Single(r => r.App == "api").Backends[1].Weight);
        Assert.Equal(10, written.Routes.Single(r => r.App == "web").Backends[1].Weight);
        Assert.Equal(2, table.RouteCount);
    }

    [Fact]
    public void An_app_set_to_no_routes_leaves_the_table_and_an_unchanged_set_is_no_change()
    {
        var table = new RouteTable(Options);
        Write(table, Routes(weight: 10).Concat(Routes(weight: 0, app: "api")).ToList());

        Assert.False(table.Set(new AppKey("web", "prod"), Routes(weight: 10)));
        Assert.True(table.Set(new AppKey("api", "prod"), []));
        Assert.Equal(2, table.Write());

        Assert.Equal(["web/prod"], RouterConfigFile.Read(Options.RouterConfigPath).Routes.Select(r => r.Id));
        Assert.Equal([new AppKey("web", "prod")], table.Keys());
    }

    [Fact]
    public void A_restarted_controller_keeps_the_routes_of_apps_it_has_not_looked_at_yet()
    {
        Write(new RouteTable(Options), Routes(weight: 10).Concat(Routes(weight: 0, app: "api")).ToList());

        var restarted = new RouteTable(Options);
        restarted.Set(new AppKey("api", "prod"), Routes(weight: 50, app: "api"));
        restarted.Write();

        var written = RouterConfigFile.Read(Options.RouterConfigPath);
        Assert.Equal(["api/prod", "web/prod"], written.Routes.Select(r => r.Id));
        Assert.Equal(10, written.Routes.Single(r => r.App == "web").Backends[1].Weight);
    }

    /// <summary>Sets each app×env's routes of <paramref name="routes"/>, then writes.</summary>
    private static long Write(RouteTable table, IReadOnlyList<RouteConfig> routes)
    {
        foreach (var group in routes.GroupBy(r => new AppKey(r.App, r.Environment)))
        {
            table.Set(group.Key, [.. group]);
        }

        return table.Write();
    }

    private static readonly CanaryStrategy Canary = new([new SetWeightStep(10), new PauseStep(null)]);

    private static ApplicationSpec Spec(StrategySpec strategy) => new(
        new InstanceTemplate(new ArtifactRef("/srv/web"), "./web", [], [], 8080, ProbeSet.None, 30),
        3,
        new RouteSpec("web.prod.localhost", "/shop"),
        600,
        strategy);

    /// <summary>Every revision has its own ready endpoints, so a test can tell whose endpoints ended up where.</summary>
    private static IReadOnlyList<string> Ready(int revision) => [$"127.0.0.1:{5000 + (revision * 10)}", $"127.0.0.1:{5001 + (revision * 10)}"];

    private static RouteConfig[] Routes(int weight, string app = "web") =>
        RouteTable.BuildRoutes(app, "prod", Spec(Canary) with { Route = new RouteSpec($"{app}.prod.localhost", "/") }, new TrafficPlan([new(1, 100 - weight), new(2, weight)], null, null, null, null), Ready);

    private static string Serialize(IEnumerable<RouteConfig> routes) => System.Text.Json.JsonSerializer.Serialize(routes, RouterConfigFile.SerializerOptions);
}
