using System.Text.Json;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;

namespace Slipway.Core.Tests.Serialization;

/// <summary>The API writes every timestamp as RFC 3339 in UTC with a Z, to the second; the store keeps its own form.</summary>
public sealed class ApiTimestampTests
{
    private static readonly DateTimeOffset InBerlin = new(2026, 11, 23, 23, 10, 5, 678, TimeSpan.FromHours(1));

    private sealed record Moments(DateTimeOffset At, DateTimeOffset? Maybe, DateTimeOffset? Never);

    [Fact]
    public void Api_timestamps_are_utc_with_a_z_to_the_second_nullable_ones_too()
    {
        var json = JsonSerializer.Serialize(new Moments(InBerlin, InBerlin, null), SlipwayJson.Api);

        Assert.Equal("""{"at":"2026-11-23T22:10:05Z","maybe":"2026-11-23T22:10:05Z","never":null}""", json);
    }

    [Fact]
    public void Timestamps_inside_api_documents_are_written_the_same_way()
    {
        var condition = new RolloutCondition("Available", true, "InstancesReady", null, InBerlin);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(condition, SlipwayJson.Api));

        Assert.Equal("2026-11-23T22:10:05Z", json.RootElement.GetProperty("lastTransitionTime").GetString());
    }

    [Theory]
    [InlineData("\"2026-11-23T22:10:05Z\"")]
    [InlineData("\"2026-11-23T23:10:05+01:00\"")]
    public void Api_timestamps_read_back_from_either_form(string text)
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 22, 10, 5, TimeSpan.Zero), JsonSerializer.Deserialize<DateTimeOffset>(text, SlipwayJson.Api));
    }

    [Fact]
    public void The_store_keeps_full_precision_and_the_offset()
    {
        var json = JsonSerializer.Serialize(new Moments(InBerlin, null, null), SlipwayJson.Options);

        Assert.Equal(InBerlin, JsonSerializer.Deserialize<Moments>(json, SlipwayJson.Options)!.At);
        Assert.Contains("+01:00", json, StringComparison.Ordinal);
    }
}
