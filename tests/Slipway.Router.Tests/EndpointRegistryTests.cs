using Slipway.Router.Metrics;
using Slipway.Router.Routing;

namespace Slipway.Router.Tests;

public sealed class EndpointRegistryTests
{
    [Fact]
    public void A_snapshot_taken_while_a_table_compiles_does_not_lose_its_endpoints()
    {
        var registry = new EndpointRegistry();
        var compiler = new RouteTableCompiler(registry, new RouterMetrics(TimeProvider.System));
        var first = compiler.Compile(new RouterConfig(1, [Route("127.0.0.1:5001")]), RouteTable.Empty);
        registry.Retain(first);

        // The admin endpoint reads the state between compiling table 2 and publishing it.
        var second = compiler.Compile(new RouterConfig(2, [Route("127.0.0.1:5002")]), first);
        Assert.Equal(["127.0.0.1:5001"], registry.Snapshot(first).Select(e => e.Key));
        registry.Retain(second);

        Assert.Equal(["127.0.0.1:5002"], registry.Snapshot(second).Select(e => e.Key));
        // The endpoint object is the one the registry shares, so a third table reuses its in-flight count.
        var endpoint = second.Endpoints.Single();
        endpoint.Enter();
        var third = compiler.Compile(new RouterConfig(3, [Route("127.0.0.1:5002")]), second);
        Assert.Same(endpoint, third.Endpoints.Single());
        Assert.Equal(1, registry.Snapshot(third).Single().Value);
    }

    [Fact]
    public void A_draining_endpoint_is_reported_until_idle()
    {
        var registry = new EndpointRegistry();
        var compiler = new RouteTableCompiler(registry, new RouterMetrics(TimeProvider.System));
        var first = compiler.Compile(new RouterConfig(1, [Route("127.0.0.1:5001")]), RouteTable.Empty);
        var old = first.Endpoints.Single();
        old.Enter();
        var second = compiler.Compile(new RouterConfig(2, [Route("127.0.0.1:5002")]), first);
        registry.Retain(second);

        Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5002"], registry.Snapshot(second).Select(e => e.Key));
        old.Exit();
        Assert.Equal(["127.0.0.1:5002"], registry.Snapshot(second).Select(e => e.Key));
    }

    private static RouteConfig Route(string endpoint) =>
        new("web/prod", "web", "prod", null, "/", [new BackendGroup("1", 100, [endpoint])]);
}
