using System.Text.Json;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class AccessLogTests
{
    [Fact]
    public async Task Access_log_lines_are_json_objects_with_every_field()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("3", 100, [backend.Address])));

        for (var i = 0; i < 20; i++)
        {
            await router.Client.GetStringAsync($"/items/{i}?token=secret");
        }

        await router.Client.GetAsync("/"); // a 21st line
        await Eventually.TrueAsync(() => File.Exists(router.AccessLogPath) && File.ReadAllLines(router.AccessLogPath).Length == 21,
            "21 access log lines");

        var lines = File.ReadAllLines(router.AccessLogPath);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement;
            Assert.Equal(JsonValueKind.Object, entry.ValueKind);
            foreach (var field in new[] { "time", "requestId", "method", "host", "path", "status", "durationMs", "app", "env", "revision", "upstream", "bytesSent", "retried", "mirror" })
            {
                Assert.True(entry.TryGetProperty(field, out _), $"missing {field} in {line}");
            }

            Assert.EndsWith("Z", entry.GetProperty("time").GetString());
            Assert.True(DateTimeOffset.TryParse(entry.GetProperty("time").GetString(), out _));
        }

        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("GET", first.GetProperty("method").GetString());
        Assert.Equal("/items/0", first.GetProperty("path").GetString());
        Assert.Equal(200, first.GetProperty("status").GetInt32());
        Assert.Equal("web", first.GetProperty("app").GetString());
        Assert.Equal("prod", first.GetProperty("env").GetString());
        Assert.Equal("3", first.GetProperty("revision").GetString());
        Assert.Equal(backend.Address, first.GetProperty("upstream").GetString());
        Assert.Equal(3, first.GetProperty("bytesSent").GetInt64());
        Assert.False(first.GetProperty("retried").GetBoolean());
        Assert.DoesNotContain("secret", File.ReadAllText(router.AccessLogPath));
    }
}
