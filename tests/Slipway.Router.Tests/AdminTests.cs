using System.Net;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class AdminTests
{
    [Fact]
    public async Task Healthz_answers_ok_and_state_reports_the_version_and_endpoints()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(9, new BackendGroup("1", 100, ["127.0.0.1:5001", "127.0.0.1:5002"])));

        using var health = await router.Admin.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());

        var state = await router.StateAsync();
        Assert.Equal(9, state.GetProperty("configVersion").GetInt64());
        Assert.Equal(0, state.GetProperty("inflight").GetProperty("127.0.0.1:5001").GetInt32());
        Assert.Equal(0, state.GetProperty("inflight").GetProperty("127.0.0.1:5002").GetInt32());

        using var missing = await router.Admin.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_admin_listener_does_not_proxy_and_the_proxy_does_not_expose_admin()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [])));
        using var response = await router.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
