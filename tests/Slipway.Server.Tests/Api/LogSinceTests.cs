using Slipway.Server.Api;

namespace Slipway.Server.Tests.Api;

/// <summary>The <c>since</c> of the logs API: a duration back from the server's now, or an RFC 3339 time.</summary>
public sealed class LogSinceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30s", "2026-11-23T11:59:30Z")]
    [InlineData("5m", "2026-11-23T11:55:00Z")]
    [InlineData("1h30m", "2026-11-23T10:30:00Z")]
    [InlineData("0s", "2026-11-23T12:00:00Z")]
    [InlineData("2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z")]
    [InlineData("2026-11-23T10:00:00.250Z", "2026-11-23T10:00:00.250Z")]
    [InlineData("2026-11-23T11:00:00+01:00", "2026-11-23T10:00:00Z")]
    public void Reads_a_duration_back_from_now_or_an_RFC_3339_time(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), LogSince.Parse(text, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("5 minutes")]
    [InlineData("2026-11-23")]
    [InlineData("2026-11-23T10:00:00")] // no offset: the server's zone would decide what it means
    [InlineData("100000000h")]
    public void Refuses_anything_else(string text)
    {
        Assert.Null(LogSince.Parse(text, Now));
    }
}
