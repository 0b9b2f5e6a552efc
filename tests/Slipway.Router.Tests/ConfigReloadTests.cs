using System.Net;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class ConfigReloadTests
{
    [Fact]
    public async Task A_new_table_swaps_routes()
    {
        await using var blue = await TestBackend.StartAsync("blue");
        await using var green = await TestBackend.StartAsync("green");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [blue.Address])));
        Assert.Equal("blue", await router.Client.GetStringAsync("/"));

        await router.ApplyAsync(RouterHarness.Table(2, new BackendGroup("2", 100, [green.Address])));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("green", await router.Client.GetStringAsync("/"));
        }

        // Same length, written right away: the coarse file timestamp must not hide the change.
        await router.ApplyAsync(RouterHarness.Table(3, new BackendGroup("3", 100, [blue.Address])));
        Assert.Equal("blue", await router.Client.GetStringAsync("/"));
        Assert.Equal(3, router.Server.ConfigVersion);
    }

    [Fact]
    public async Task A_missing_file_at_start_serves_an_empty_table_until_one_appears()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync();

        using (var response = await router.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await router.ApplyAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));
        Assert.Equal("web", await router.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task An_invalid_or_removed_file_keeps_the_previous_table()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        await File.WriteAllTextAsync(router.ConfigPath, "{ not json");
        await Eventually.TrueAsync(async () => (await router.StateAsync()).GetProperty("lastError").ValueKind == System.Text.Json.JsonValueKind.String,
            "the router reports the broken table");
        Assert.Equal("web", await router.Client.GetStringAsync("/"));
        Assert.Equal(1, (await router.StateAsync()).GetProperty("configVersion").GetInt64());

        // A table with a bad regex is rejected whole, too.
        RouterConfigFile.Write(router.ConfigPath, RouterHarness.Table(2, new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [backend.Address])], HeaderRoute: new HeaderRouteConfig("1", [new HeaderMatchConfig("X", Regex: "([")]))));
        await Eventually.TrueAsync(async () => (await router.StateAsync()).GetProperty("lastError").GetString()?.Contains("header route") == true,
            "the router rejects the bad regex");
        Assert.Equal(1, router.Server.ConfigVersion);

        File.Delete(router.ConfigPath);
        Assert.Equal("web", await router.Client.GetStringAsync("/"));
        Assert.Contains("slipway_router_config_reload_failures_total 2", await router.MetricsAsync());
    }

    [Fact]
    public async Task Host_and_longest_prefix_select_the_route()
    {
        await using var api = await TestBackend.StartAsync("api");
        await using var apiV2 = await TestBackend.StartAsync("api-v2");
        await using var site = await TestBackend.StartAsync("site");
        await using var other = await TestBackend.StartAsync("other-host");
        var table = new RouterConfig(1, [
            new RouteConfig("site", "site", "prod", null, "/", [new BackendGroup("1", 1, [site.Address])]),
            new RouteConfig("api", "api", "prod", null, "/api", [new BackendGroup("1", 1, [api.Address])]),
            new RouteConfig("api2", "api", "prod", null, "/api/v2", [new BackendGroup("1", 1, [apiV2.Address])]),
            new RouteConfig("other", "other", "prod", "Other.Example", "/", [new BackendGroup("1", 1, [other.Address])]),
        ]);
        await using var router = await RouterHarness.StartAsync(table);

        Assert.Equal("site", await router.Client.GetStringAsync("/"));
        Assert.Equal("api", await router.Client.GetStringAsync("/api/v1/x"));
        Assert.Equal("api-v2", await router.Client.GetStringAsync("/api/v2/x"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/x");
        request.Headers.Host = "other.example:8080";
        Assert.Equal("other-host", await (await router.Client.SendAsync(request)).Content.ReadAsStringAsync());
    }
}
