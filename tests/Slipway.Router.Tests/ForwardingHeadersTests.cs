using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class ForwardingHeadersTests
{
    [Fact]
    public async Task A_request_id_is_generated_when_absent_and_returned()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        using var first = await router.Client.GetAsync("/");
        using var second = await router.Client.GetAsync("/");
        var firstId = Assert.Single(first.Headers.GetValues("X-Request-ID"));
        var secondId = Assert.Single(second.Headers.GetValues("X-Request-ID"));
        Assert.NotEqual(firstId, secondId);
        Assert.Equal([firstId, secondId], backend.Received.Select(r => r.Headers["X-Request-ID"]));
    }

    [Fact]
    public async Task A_client_request_id_is_propagated_unchanged()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Request-ID", "abc-123");
        using var response = await router.Client.SendAsync(request);
        Assert.Equal("abc-123", Assert.Single(response.Headers.GetValues("X-Request-ID")));
        Assert.Equal("abc-123", Assert.Single(backend.Received).Headers["X-Request-ID"]);
    }

    [Fact]
    public async Task Forwarded_headers_are_set_and_hop_by_hop_headers_stripped()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/a/b%2Fc?q=1&r=%20");
        request.Headers.Host = "shop.test";
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("Connection", "X-Secret");
        request.Headers.Add("X-Secret", "s");
        request.Headers.Add("X-Slipway-Mirror", "1");
        request.Headers.Add("X-Custom", "kept");
        using var response = await router.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var received = Assert.Single(backend.Received);
        Assert.Equal("/a/b%2Fc", received.Path);
        Assert.Equal("?q=1&r=%20", received.Query);
        Assert.Equal("10.0.0.1, 127.0.0.1", received.Headers["X-Forwarded-For"]);
        Assert.Equal("shop.test", received.Headers["X-Forwarded-Host"]);
        Assert.Equal("http", received.Headers["X-Forwarded-Proto"]);
        Assert.Equal("kept", received.Headers["X-Custom"]);
        Assert.False(received.Headers.ContainsKey("X-Secret"));
        Assert.False(received.Headers.ContainsKey("X-Slipway-Mirror"));
        Assert.Equal("web", Assert.Single(response.Headers.GetValues("X-Backend")));
    }
}
