using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Spec;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("90", 90_000)]
    [InlineData("90s", 90_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1h30m15s", 5_415_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(".5s", 500)]
    [InlineData("5.s", 5_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s500ms", 90_500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("48h", 172_800_000)]
    [InlineData("+3s", 3_000)]
    [InlineData("-3s", -3_000)]
    [InlineData("30s1m", 90_000)]
    public void Parses_go_durations_and_bare_seconds(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("1500us", 15_000)]
    [InlineData("1500µs", 15_000)]
    [InlineData("1500μs", 15_000)]
    [InlineData("2500ns", 25)]
    [InlineData("150ns", 1)] // below a tick (100 ns) is truncated
    public void Parses_sub_millisecond_units_to_ticks(string text, long ticks)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-")]
    [InlineData(".s")]
    [InlineData("1.5")]
    [InlineData("5 m")]
    [InlineData(" 5m")]
    [InlineData("5m ")]
    [InlineData("5 minutes")]
    [InlineData("5M")]
    [InlineData("1d")]
    [InlineData("1h30")]
    [InlineData("1..5s")]
    [InlineData("1.2.3s")]
    [InlineData("10x")]
    [InlineData("99999999999999999999999999999999999h")]
    [InlineData("9999999999999999999999999999999999999999")]
    [InlineData("3000000000h")]
    public void Rejects_what_is_not_a_duration(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(1_500, "1.5s")]
    [InlineData(30_000, "30s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(300_000, "5m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(3_605_000, "1h5s")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_000_000, "25h")]
    [InlineData(-90_000, "-1m30s")]
    public void Formats_as_short_go_durations(long milliseconds, string expected)
    {
        Assert.Equal(expected, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15_000)]
    [InlineData(123_456_789)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(-98_765)]
    public void Format_reads_back_to_the_same_value(long ticks)
    {
        var value = TimeSpan.FromTicks(ticks);
        var text = DurationParser.Format(value);

        Assert.True(DurationParser.TryParse(text, out var parsed), text);
        Assert.Equal(value, parsed);
    }
}
