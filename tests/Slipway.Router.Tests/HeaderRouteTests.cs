using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class HeaderRouteTests
{
    [Fact]
    public async Task Matching_requests_all_go_to_the_header_revision_and_no_others_do()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
            HeaderRoute: new HeaderRouteConfig("2", [
                new HeaderMatchConfig("X-Canary", Exact: "yes"),
                new HeaderMatchConfig("User-Agent", Regex: "^tester/[0-9]+$"),
            ]));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal("canary", await SendAsync(router, canary: "yes", agent: "tester/1"));
            Assert.Equal("stable", await SendAsync(router, canary: "no", agent: "tester/1"));
            Assert.Equal("stable", await SendAsync(router, canary: "yes", agent: "browser"));
            Assert.Equal("stable", await SendAsync(router, canary: null, agent: "tester/2"));
        }

        Assert.Equal(50, canary.Count);
        Assert.Equal(150, stable.Count);
    }

    [Fact]
    public async Task Prefix_match_is_on_the_start_of_the_value()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var canary = await TestBackend.StartAsync("canary");
        var route = new RouteConfig("web/prod", "web", "prod", null, "/",
            [new BackendGroup("1", 100, [stable.Address]), new BackendGroup("2", 0, [canary.Address])],
            HeaderRoute: new HeaderRouteConfig("2", [new HeaderMatchConfig("X-Tenant", Prefix: "beta-")]));
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, route));

        using var beta = new HttpRequestMessage(HttpMethod.Get, "/");
        beta.Headers.Add("X-Tenant", "beta-acme");
        Assert.Equal("canary", await (await router.Client.SendAsync(beta)).Content.ReadAsStringAsync());
        using var other = new HttpRequestMessage(HttpMethod.Get, "/");
        other.Headers.Add("X-Tenant", "acme-beta-");
        Assert.Equal("stable", await (await router.Client.SendAsync(other)).Content.ReadAsStringAsync());
    }

    private static async Task<string> SendAsync(RouterHarness router, string? canary, string agent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (canary is not null)
        {
            request.Headers.Add("X-Canary", canary);
        }

        request.Headers.TryAddWithoutValidation("User-Agent", agent);
        using var response = await router.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
