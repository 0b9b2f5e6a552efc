using Slipway.Server.Supply;

namespace Slipway.Server.Tests.Supply;

public sealed class ExpiryTextTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 30, 15, 500, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-12-01", "2026-12-01T00:00:00Z")]
    [InlineData("2026-12-01T12:00:00Z", "2026-12-01T12:00:00Z")]
    [InlineData("2026-12-01T14:00:00+02:00", "2026-12-01T12:00:00Z")]
    [InlineData("30d", "2026-12-24T12:30:15Z")]
    [InlineData("2w", "2026-12-08T12:30:15Z")]
    [InlineData("12h", "2026-11-25T00:30:15Z")]
    [InlineData("90m", "2026-11-24T14:00:15Z")]
    public void A_date_a_time_or_a_duration_from_now_to_the_second(string text, string expected)
    {
        Assert.True(ExpiryText.TryParse(text, Now, out var expires));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), expires);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-3d")]
    [InlineData("0h")]
    [InlineData("2026-13-01")]
    public void Anything_else_is_not_an_expiry(string text) => Assert.False(ExpiryText.TryParse(text, Now, out _));
}
