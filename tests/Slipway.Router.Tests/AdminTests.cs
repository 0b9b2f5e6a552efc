using System.Net;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class AdminTests
{
    [Fact]
    public async Task Healthz_answers_ok_and_state_reports_who_the_router_is_the_version_and_endpoints()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(9, new BackendGroup("1", 100, ["127.0.0.1:5001", "127.0.0.1:5002"])));

        using var health = await router.Admin.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());

        var state = await router.StateAsync();
        // Which router this is: a server checks both before taking it for its own.
        Assert.Equal(Environment.ProcessId, state.GetProperty("pid").GetInt32());
        Assert.Equal(router.ConfigPath, state.GetProperty("configPath").GetString());
        Assert.True(Path.IsPathFullyQualified(state.GetProperty("configPath").GetString()!));
        Assert.Equal(9, state.GetProperty("configVersion").GetInt64());
        Assert.Equal(0, state.GetProperty("inflight").GetProperty("127.0.0.1:5001").GetInt32());
        Assert.Equal(0, state.GetProperty("inflight").GetProperty("127.0.0.1:5002").GetInt32());

        using var missing = await router.Admin.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task State_lists_only_the_endpoints_asked_for_so_its_size_does_not_grow_with_the_table()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(4, new BackendGroup("1", 100, ["127.0.0.1:5001", "127.0.0.1:5002"])));

        var one = System.Text.Json.JsonDocument.Parse(await router.Admin.GetStringAsync("/state?inflight=127.0.0.1:5002")).RootElement;
        var none = System.Text.Json.JsonDocument.Parse(await router.Admin.GetStringAsync("/state?inflight=")).RootElement;

        Assert.Equal(["127.0.0.1:5002"], one.GetProperty("inflight").EnumerateObject().Select(p => p.Name));
        Assert.Empty(none.GetProperty("inflight").EnumerateObject());
        Assert.Equal(4, none.GetProperty("configVersion").GetInt64());
    }

    [Fact]
    public async Task The_admin_listener_does_not_proxy_and_the_proxy_does_not_expose_admin()
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [])));
        using var response = await router.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_listener_is_read_only_and_refuses_every_other_method_changing_nothing()
    {
        await using var stable = await TestBackend.StartAsync("stable");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(3, new BackendGroup("1", 100, [stable.Address])));
        var before = (await router.StateAsync()).GetRawText();
        var table = System.Text.Json.JsonSerializer.Serialize(RouterHarness.Table(4, new BackendGroup("1", 100, [RouterHarness.DeadAddress()])));

        foreach (var method in new[] { "POST", "PUT", "PATCH", "DELETE", "OPTIONS" })
        {
            foreach (var path in new[] { "/state", "/metrics", "/healthz", "/routes" })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = new StringContent(table, System.Text.Encoding.UTF8, "application/json"),
                };
                using var response = await router.Admin.SendAsync(request);
                Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
                Assert.Equal(new[] { "GET", "HEAD" }, response.Content.Headers.Allow.Order());
            }
        }

        Assert.Equal(before, (await router.StateAsync()).GetRawText());
        Assert.Equal("stable", await router.Client.GetStringAsync("/"));
        using var head = await router.Admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/state"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0:{0}")]
    [InlineData(":{0}")]
    [InlineData("*:{0}")]
    [InlineData("[::]:{0}")]
    [InlineData("192.0.2.1:{0}")]
    public async Task A_non_loopback_admin_address_is_refused_at_start_and_nothing_listens(string admin)
    {
        var directory = Directory.CreateTempSubdirectory("slipway-router-admin-").FullName;
        try
        {
            var listen = RouterHarness.DeadAddress();
            var adminAddress = string.Format(System.Globalization.CultureInfo.InvariantCulture, admin, new Uri("http://" + RouterHarness.DeadAddress()).Port);
            await using var server = new RouterServer(new RouterOptions(Path.Combine(directory, "router.json"), listen, adminAddress));

            var refused = await Assert.ThrowsAsync<ArgumentException>(() => server.StartAsync(CancellationToken.None));
            Assert.Contains($"admin: '{adminAddress}' is not a loopback address", refused.Message);

            // Not even the proxy listener was opened.
            using var client = new System.Net.Sockets.TcpClient();
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => client.ConnectAsync(new Uri("http://" + listen).Host, new Uri("http://" + listen).Port));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("localhost:0")]
    [InlineData("[::1]:0")]
    public async Task A_loopback_admin_address_is_accepted(string admin)
    {
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [])), o => o with { Admin = admin });
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(router.Addresses.Admin.Host.Trim('[', ']'))));
        Assert.Equal("ok", await router.Admin.GetStringAsync("/healthz"));
    }

    [Fact]
    public void Every_problem_with_the_addresses_is_reported_at_once()
    {
        var errors = new RouterOptions("", "nowhere", "0.0.0.0:8081").Validate();

        Assert.Equal(3, errors.Count);
        Assert.StartsWith("config:", errors[0]);
        Assert.Equal("listen: expected host:port (for example 127.0.0.1:8081), got 'nowhere'", errors[1]);
        Assert.StartsWith("admin: '0.0.0.0:8081' is not a loopback address", errors[2]);
        Assert.Empty(new RouterOptions("routes.json", "0.0.0.0:8080", "localhost:8081").Validate());
    }
}
