namespace Slipway.Core.Analysis;

/// <summary>
/// The strings of a metric's provider that placeholders are replaced in — those that reach the outside world:
/// Prometheus' address and query; the http provider's URL, header values and body; a job's command, arguments and
/// env values. Conditions are not among them: they are parsed when applied, before arguments have values.
/// </summary>
internal static class MetricStrings
{
    /// <summary>Each string, with its path below the metric as a spec writes it (<c>provider.prometheus.query</c>).</summary>
    public static IEnumerable<(string Path, string Text)> Of(MetricSpec metric)
    {
        switch (metric.Provider)
        {
            case PrometheusMetricProvider prometheus:
                yield return ("provider.prometheus.address", prometheus.Address);
                yield return ("provider.prometheus.query", prometheus.Query);
                break;
            case HttpMetricProvider http:
                yield return ("provider.http.url", http.Url);
                for (var i = 0; i < http.Headers.Count; i++)
                {
                    yield return ($"provider.http.headers[{i}].value", http.Headers[i].Value);
                }

                if (http.Body is { } body)
                {
                    yield return ("provider.http.body", body);
                }

                break;
            case JobMetricProvider job:
                yield return ("provider.job.command", job.Command);
                for (var i = 0; i < job.Args.Count; i++)
                {
                    yield return ($"provider.job.args[{i}]", job.Args[i]);
                }

                for (var i = 0; i < job.Env.Count; i++)
                {
                    yield return ($"provider.job.env[{i}].value", job.Env[i].Value);
                }

                break;
        }
    }

    /// <summary><paramref name="metric"/> with <paramref name="replace"/> applied to each of those strings.</summary>
    public static MetricSpec Replace(MetricSpec metric, Func<string, string> replace) => metric.Provider switch
    {
        PrometheusMetricProvider prometheus => metric with
        {
            Provider = prometheus with { Address = replace(prometheus.Address), Query = replace(prometheus.Query) },
        },
        HttpMetricProvider http => metric with
        {
            Provider = http with
            {
                Url = replace(http.Url),
                Headers = [.. http.Headers.Select(h => h with { Value = replace(h.Value) })],
                Body = http.Body is { } body ? replace(body) : null,
            },
        },
        JobMetricProvider job => metric with
        {
            Provider = job with
            {
                Command = replace(job.Command),
                Args = [.. job.Args.Select(replace)],
                Env = [.. job.Env.Select(e => e with { Value = replace(e.Value) })],
            },
        },
        _ => metric,
    };
}
