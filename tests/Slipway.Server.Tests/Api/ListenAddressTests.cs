using Slipway.Server.Api;

namespace Slipway.Server.Tests.Api;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:7070", "127.0.0.1", true)]
    [InlineData("localhost:7070", "127.0.0.1", true)]
    [InlineData("[::1]:7070", "::1", true)]
    [InlineData("127.0.0.2:7070", "127.0.0.2", true)]
    [InlineData("0.0.0.0:7070", "0.0.0.0", false)]
    [InlineData("*:7070", "0.0.0.0", false)]
    [InlineData(":7070", "0.0.0.0", false)]
    [InlineData("[::]:7070", "::", false)]
    [InlineData("192.168.1.5:7070", "192.168.1.5", false)]
    public void Parses_an_ip_address_or_localhost_with_a_port(string value, string address, bool loopback)
    {
        Assert.True(ListenAddress.TryParse(value, out var parsed, out var error), error);
        Assert.Equal(address, parsed.Address.ToString());
        Assert.Equal(7070, parsed.Port);
        Assert.Equal(loopback, parsed.IsLoopback);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("7070")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.1:7070")]
    [InlineData("example.com:7070")]
    [InlineData("::1:7070")]
    [InlineData("http://127.0.0.1:7070")]
    public void Refuses_anything_else_saying_what_was_expected(string value)
    {
        Assert.False(ListenAddress.TryParse(value, out _, out var error));
        Assert.StartsWith($"'{value}': expected host:port", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slipway.internal", "slipway.internal")]
    [InlineData("10.0.0.5", "10.0.0.5")]
    [InlineData("::1", "[::1]")]
    [InlineData("[fe80::1]", "[fe80::1]")]
    [InlineData("slipway.internal:7070", null)]
    [InlineData("http://slipway.internal", null)]
    [InlineData("*.example.com", null)]
    [InlineData("", null)]
    public void An_allowed_host_is_a_name_or_an_address_as_the_host_header_spells_it(string configured, string? normalized) =>
        Assert.Equal(normalized, HostAllowList.Normalize(configured));
}
