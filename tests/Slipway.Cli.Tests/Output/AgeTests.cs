using Slipway.Cli.Output;

namespace Slipway.Cli.Tests.Output;

/// <summary>AGE as kubectl shows it; the cases of Kubernetes' own duration tests, and the edges between units.</summary>
public sealed class AgeTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(1, "1s")]
    [InlineData(45, "45s")]
    [InlineData(70, "70s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(190, "3m10s")]
    [InlineData(599, "9m59s")]
    [InlineData(12 * 60, "12m")]
    [InlineData(70 * 60, "70m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(3 * 3600 + 5 * 60 + 59, "3h5m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(49 * 3600, "2d1h")]
    [InlineData(5 * 86400, "5d")]
    [InlineData((8 * 24 + 2) * 3600, "8d")]
    [InlineData(367 * 86400, "367d")]
    [InlineData((365 * 2 * 24 + 25) * 3600L, "2y1d")]
    [InlineData((365 * 8 * 24 + 2) * 3600L, "8y")]
    public void Ages_read_as_in_kubectl(long seconds, string expected)
    {
        Assert.Equal(expected, Age.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void A_creation_time_a_little_ahead_of_this_clock_is_now_and_further_ahead_is_invalid()
    {
        var now = new DateTimeOffset(2026, 11, 23, 22, 10, 5, TimeSpan.Zero);

        Assert.Equal("0s", Age.Format(now.AddMilliseconds(1500), now));
        Assert.Equal("<invalid>", Age.Format(now.AddSeconds(3), now));
        Assert.Equal("3h5m", Age.Format(now.AddHours(-3).AddMinutes(-5), now));
    }
}
