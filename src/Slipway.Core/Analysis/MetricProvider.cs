using Slipway.Core.Spec;

namespace Slipway.Core.Analysis;

/// <summary>Where a metric's value comes from: exactly one provider per metric.</summary>
public abstract record MetricProvider;

/// <summary>
/// The router's own per-second counters of the revision under analysis (the canary, the preview), over the last
/// <see cref="Window"/>. With <see cref="Baseline"/>, the stable revision over the same window too: conditions then
/// see <c>canary</c> and <c>stable</c> (and <c>result</c> is the canary's value).
/// </summary>
public sealed record RouterMetricProvider(RouterMeasure Measure, TimeSpan Window, bool Baseline) : MetricProvider
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);
}

/// <summary>What <see cref="RouterMetricProvider"/> reads. Rates are 0 to 1; latencies are milliseconds.</summary>
public enum RouterMeasure
{
    RequestCount,
    RequestRate,
    SuccessRate,
    ErrorRate,
    P50,
    P90,
    P95,
    P99,
}

/// <summary>
/// The statistical judge: compares the canary with the stable revision over the same window, from the router's
/// counters — error rates by a two-proportion test, latency distributions by a Mann-Whitney U test — and decides
/// the measurement itself (no conditions): Failed when the canary is worse with at least <see cref="Confidence"/>,
/// after correcting for the number of looks. Method: docs/judge.md.
/// </summary>
/// <param name="ErrorRate">Compare error rates.</param>
/// <param name="Latency">Compare latency distributions.</param>
/// <param name="ErrorRateMargin">How many more errors (absolute, 0.01 = one point) the canary may have and still be
/// judged no worse.</param>
/// <param name="LatencyTolerance">How much slower (a ratio ≥ 1) the canary may be and still be judged no worse.</param>
/// <param name="Confidence">How sure the judge must be, over the whole analysis, before it fails a canary.</param>
/// <param name="Window">How far back both sides are read; null: since the analysis started, at most 5 minutes.</param>
public sealed record JudgeMetricProvider(bool ErrorRate, bool Latency, double ErrorRateMargin, double LatencyTolerance, double Confidence, TimeSpan? Window) : MetricProvider
{
    public const double DefaultErrorRateMargin = 0;
    public const double DefaultLatencyTolerance = 1.1;
    public const double DefaultConfidence = 0.99;
}

/// <summary>
/// The burn rate of one of the app's SLOs (<see cref="Name"/>, declared under <c>slos</c>) over <see cref="Window"/>,
/// for the revision under analysis: its error ratio by the SLO's indicator, from the router's per-second counters,
/// divided by 1 − the SLO's objective (a canary answering 1.44 % errors against a 99.9 % SLO reads 14.4). A Prometheus
/// SLO is read from Prometheus, for the whole app×env. <c>failureCondition: result > 14.4</c> fails a canary that
/// would spend 2 % of a 30-day budget per hour.
/// </summary>
public sealed record SloMetricProvider(string Name, TimeSpan Window) : MetricProvider
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);
}

/// <summary>A PromQL instant query over the Prometheus HTTP API; <c>{{args.NAME}}</c> is replaced in the query.</summary>
public sealed record PrometheusMetricProvider(string Address, string Query, TimeSpan Timeout) : MetricProvider
{
    public const string DefaultAddress = "http://127.0.0.1:9090";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Argo's <c>web</c> provider: a request to <see cref="Url"/>; <c>result</c> is the value at <see cref="JsonPath"/> in
/// the JSON response (the whole document without a path). A status other than 2xx is an error.
/// </summary>
public sealed record HttpMetricProvider(string Url, string Method, IReadOnlyList<HttpHeaderSpec> Headers, string? Body, string? JsonPath, TimeSpan Timeout) : MetricProvider
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
}

public sealed record HttpHeaderSpec(string Name, string Value);

/// <summary>
/// A command (a smoke test, a load test) run in the analysed revision's artifact directory, with <see cref="Env"/>
/// and the revision's address in <c>SLIPWAY_CANARY_URL</c>; its exit code is <c>result</c> (0 succeeds unless
/// conditions say otherwise). Killed after <see cref="Timeout"/> (an error). Its output is kept and shown.
/// </summary>
public sealed record JobMetricProvider(string Command, IReadOnlyList<string> Args, IReadOnlyList<EnvVar> Env, TimeSpan Timeout) : MetricProvider
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);
}
