using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Tests;

/// <summary>
/// A reload costs what changed: routes the new table names exactly as before are carried over as compiled, and every
/// difference that changes routing — weights, endpoints, header matches, mirrors — compiles the route again.
/// </summary>
public sealed class RouteTableCompilerTests
{
    private readonly RouteTableCompiler _compiler = new(new EndpointRegistry(), new RouterMetrics(TimeProvider.System));

    [Fact]
    public void Routes_that_did_not_change_are_reused_and_the_changed_one_is_compiled_again()
    {
        var first = _compiler.Compile(new RouterConfig(1, [Route("web"), Route("api"), Route("shop")]), RouteTable.Empty);

        var second = _compiler.Compile(new RouterConfig(2, [Route("web"), Route("api", weight: 50), Route("shop")]), first);

        Assert.Same(first.FindById("web/dev"), second.FindById("web/dev"));
        Assert.Same(first.FindById("shop/dev"), second.FindById("shop/dev"));
        Assert.NotSame(first.FindById("api/dev"), second.FindById("api/dev"));
        Assert.Equal(50, second.FindById("api/dev")!.Revisions[1].Weight);
        Assert.Equal(2, second.Version);
    }

    [Theory]
    [InlineData("endpoint")]
    [InlineData("weight")]
    [InlineData("header")]
    [InlineData("mirror")]
    [InlineData("host")]
    public void Any_difference_in_routing_is_a_change(string difference)
    {
        var before = Route("web", header: "x-canary", mirror: 5);
        var after = difference switch
        {
            "endpoint" => before with { Backends = [before.Backends[0], before.Backends[1] with { Endpoints = ["127.0.0.1:9999"] }] },
            "weight" => Route("web", weight: 20, header: "x-canary", mirror: 5),
            "header" => Route("web", header: "x-other", mirror: 5),
            "mirror" => Route("web", header: "x-canary", mirror: 6),
            _ => before with { Host = "other.localhost" },
        };

        Assert.True(before.SameAs(Route("web", header: "x-canary", mirror: 5)));
        Assert.False(before.SameAs(after));
        var first = _compiler.Compile(new RouterConfig(1, [before]), RouteTable.Empty);
        Assert.NotSame(first.FindById("web/dev"), _compiler.Compile(new RouterConfig(2, [after]), first).FindById("web/dev"));
    }

    private static RouteConfig Route(string app, int weight = 10, string? header = null, int? mirror = null) => new(
        $"{app}/dev",
        app,
        "dev",
        $"{app}.dev.localhost",
        "/",
        [new BackendGroup("1", 100 - weight, ["127.0.0.1:9001", "127.0.0.1:9002"]), new BackendGroup("2", weight, ["127.0.0.1:9003"])],
        header is null ? null : new HeaderRouteConfig("2", [new HeaderMatchConfig(header, Exact: "1")]),
        mirror is null ? null : new MirrorConfig("2", mirror.Value));
}
