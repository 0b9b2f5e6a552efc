using Microsoft.Extensions.Logging;
using Slipway.Core.Analysis;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// Takes a measurement with the provider its metric names: the one <see cref="IMetricProvider"/> the analysis runner
/// calls. It is also where a provider's defect stops: an exception other than cancellation becomes an error result
/// (counted against <c>consecutiveErrorLimit</c> like any failure to measure) instead of ending the analysis run.
/// </summary>
/// <param name="router">Measures <see cref="RouterMetricProvider"/> metrics.</param>
/// <param name="judge">Measures <see cref="JudgeMetricProvider"/> metrics.</param>
/// <param name="prometheus">Measures <see cref="PrometheusMetricProvider"/> metrics: a <see cref="PrometheusProvider"/>.</param>
/// <param name="http">Measures <see cref="HttpMetricProvider"/> metrics: an <see cref="HttpProvider"/>.</param>
/// <param name="job">Measures <see cref="JobMetricProvider"/> metrics: a <see cref="JobProvider"/>.</param>
/// <param name="slo">Measures <see cref="SloMetricProvider"/> metrics: an <see cref="SloProvider"/>; none without.</param>
internal sealed partial class MetricProviders(
    IMetricProvider router,
    IMetricProvider judge,
    IMetricProvider prometheus,
    IMetricProvider http,
    IMetricProvider job,
    ILogger<MetricProviders> logger,
    Func<string, string>? redact = null,
    IMetricProvider? slo = null) : IMetricProvider
{
    /// <summary>
    /// The prometheus, http and job providers over one shared <paramref name="client"/> (<see cref="MetricHttp"/>),
    /// with the router and judge providers given.
    /// </summary>
    /// <param name="redact">Takes known secret values out of what is kept of a measurement (a job's output, an error):
    /// a smoke test that prints the env it was given, or a page that echoes a token, must not store them.</param>
    public static MetricProviders Create(IMetricProvider router, IMetricProvider judge, HttpClient client, TimeProvider time, ILoggerFactory loggers, Func<string, string>? redact = null, IMetricProvider? slo = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        return new MetricProviders(
            router,
            judge,
            new PrometheusProvider(client, time),
            new HttpProvider(client, time),
            new JobProvider(time, loggers.CreateLogger<JobProvider>()),
            loggers.CreateLogger<MetricProviders>(),
            redact,
            slo);
    }

    /// <summary>The provider's name as specs write it (<c>provider: {prometheus: …}</c>), for messages and status.</summary>
    public static string NameOf(MetricProvider provider) => provider switch
    {
        RouterMetricProvider => "router",
        JudgeMetricProvider => "judge",
        PrometheusMetricProvider => "prometheus",
        HttpMetricProvider => "http",
        JobMetricProvider => "job",
        SloMetricProvider => "slo",
        _ => provider.GetType().Name,
    };

    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var provider = request.Metric.Provider switch
        {
            RouterMetricProvider => router,
            JudgeMetricProvider => judge,
            PrometheusMetricProvider => prometheus,
            HttpMetricProvider => http,
            JobMetricProvider => job,
            SloMetricProvider => slo,
            _ => null,
        };
        if (provider is null)
        {
            return ProviderResult.Failed($"metric {request.Metric.Name}: no provider measures a {request.Metric.Provider.GetType().Name}");
        }

        ProviderResult result;
        try
        {
            result = await provider.MeasureAsync(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var name = NameOf(request.Metric.Provider);
            Log.ProviderFailed(logger, e, name, request.Metric.Name);
            result = ProviderResult.Failed($"the {name} provider failed: {e.Message}");
        }

        return redact is null ? result : result with
        {
            Output = result.Output is { } output ? redact(output) : null,
            Error = result.Error is { } error ? redact(error) : null,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "The {Provider} provider threw measuring metric {Metric}: a defect, reported as a measurement error")]
        public static partial void ProviderFailed(ILogger logger, Exception exception, string provider, string metric);
    }
}
