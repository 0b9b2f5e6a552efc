using Slipway.Server.Metrics;

namespace Slipway.Server.Tests.Metrics;

public sealed class ApiRequestMetricsTests
{
    [Theory]
    [InlineData("GET", "GET")]
    [InlineData("get", "GET")]
    [InlineData("DELETE", "DELETE")]
    [InlineData("OPTIONS", "OPTIONS")]
    [InlineData("PROPFIND", "OTHER")]
    [InlineData("X-ANYTHING-A-CLIENT-SENDS", "OTHER")]
    public void A_method_label_is_a_standard_method_or_other(string sent, string label)
    {
        Assert.Equal(label, ApiRequestMetrics.Method(sent));
    }
}
