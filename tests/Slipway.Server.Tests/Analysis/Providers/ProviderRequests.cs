using Slipway.Core.Analysis;
using Slipway.Server.Analysis.Providers;

namespace Slipway.Server.Tests.Analysis.Providers;

/// <summary>Measurement requests as the analysis runner makes them: one metric of app <c>web</c> in <c>prod</c>, canary revision 2 over stable 1.</summary>
internal static class ProviderRequests
{
    public static readonly AnalysisTarget Target = new("web", "prod", 2, 1, ArtifactDirectory: null, RevisionUrl: null);

    public static MeasureRequest For(MetricProvider provider, AnalysisTarget? target = null) => For(new MetricSpec("m", provider), target);

    public static MeasureRequest For(MetricSpec metric, AnalysisTarget? target = null) => new(metric, target ?? Target, DateTimeOffset.UtcNow, Look: 1);

    /// <summary>Measures <paramref name="metric"/> and decides the measurement as the analysis runner does (Core's conditions).</summary>
    public static async Task<Measurement> MeasureAndDecideAsync(IMetricProvider provider, MetricSpec metric, AnalysisTarget? target = null)
    {
        var started = DateTimeOffset.UtcNow;
        var read = await provider.MeasureAsync(For(metric, target), CancellationToken.None);
        return MeasurementDecider.Decide(metric, read, started, DateTimeOffset.UtcNow);
    }

    /// <summary>The number a successful measurement read.</summary>
    public static double Number(ProviderResult result)
    {
        Assert.Null(result.Error);
        return Assert.IsType<NumberValue>(result.Value).Value;
    }

    /// <summary>The numbers of a list a successful measurement read (a Prometheus vector, a JSON array).</summary>
    public static IReadOnlyList<double> Numbers(ProviderResult result)
    {
        Assert.Null(result.Error);
        return Assert.IsType<ListValue>(result.Value).Items.Select(i => Assert.IsType<NumberValue>(i).Value).ToList();
    }

    /// <summary>The error of a failed measurement, which must carry no value.</summary>
    public static string Error(ProviderResult result)
    {
        Assert.Null(result.Value);
        return Assert.IsType<string>(result.Error);
    }
}
