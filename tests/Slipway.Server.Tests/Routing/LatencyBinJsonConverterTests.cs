using System.Text.Json;
using Slipway.Core.Analysis.Judge;
using Slipway.Server.Routing;

namespace Slipway.Server.Tests.Routing;

/// <summary>The router's latency buckets, <c>[lower µs, upper µs or null, count]</c>, read as the judge's bins.</summary>
public sealed class LatencyBinJsonConverterTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new LatencyBinJsonConverter() } };

    [Fact]
    public void Buckets_are_read_as_bins_and_the_top_buckets_null_upper_bound_as_infinity()
    {
        var bins = JsonSerializer.Deserialize<List<LatencyBin>>("[[0, 64, 5], [8192, 10240, 3], [33554432, null, 1]]", Options);

        Assert.Equal([new LatencyBin(0, 64, 5), new LatencyBin(8192, 10240, 3), new LatencyBin(33554432, double.PositiveInfinity, 1)], bins);
        Assert.Equal("[[0,64,5],[8192,10240,3],[33554432,null,1]]", JsonSerializer.Serialize(bins, Options));
    }

    [Theory]
    [InlineData("[[0, 64]]")]
    [InlineData("[[0, 64, 5, 6]]")]
    [InlineData("[[null, 64, 5]]")]
    [InlineData("[[64, 64, 5]]")]
    [InlineData("[[0, 64, -1]]")]
    [InlineData("[[0, 64, 1.5]]")]
    [InlineData("[{\"lower\": 0}]")]
    [InlineData("[[0, \"64\", 5]]")]
    public void Anything_else_is_invalid_json(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<List<LatencyBin>>(json, Options));
    }
}
