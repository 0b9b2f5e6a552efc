using System.Globalization;
using Prometheus;

namespace Slipway.Server.Metrics;

/// <summary>
/// The control plane's own Prometheus metrics, served at <c>GET /metrics</c> on the API listener (docs/metrics.md lists
/// them): the work queue, reconcile passes per app×env, router table publishes, store calls and API requests, so that
/// "a change costs the same at 10 apps and at 1,000" can be watched rather than believed.
/// <para>
/// Each instance owns its registry instead of prometheus-net's static default one: no static mutable state, two servers
/// in one process (tests) count apart, and nothing registers itself behind our back (the default registry adds event
/// counter and meter listeners on its first scrape; ours has only what is declared here).
/// </para>
/// <para>
/// Series stay bounded: labels are app×env (<see cref="Forget"/> removes them with the app×env), store operations,
/// route patterns (never raw paths), HTTP methods and status codes. Every method is thread-safe and cheap enough for
/// hot paths (an increment, or a bucket index and an increment).
/// </para>
/// </summary>
internal sealed class ControlPlaneMetrics
{
    /// <summary>The Prometheus text exposition format, version 0.0.4: what <see cref="ExportAsync"/> writes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private const string Succeeded = "succeeded";
    private const string Failed = "failed";

    private readonly CollectorRegistry _registry;
    private readonly Gauge _queueDepth;
    private readonly Histogram _queueWait;
    private readonly Histogram _reconcileDuration;
    private readonly Counter _reconciles;
    private readonly Counter _routerPublishes;
    private readonly Histogram _routerPublishDuration;
    private readonly Gauge _routerRoutes;
    private readonly Counter _resyncs;
    private readonly Counter _storeOperations;
    private readonly Histogram _storeDuration;
    private readonly Histogram _apiDuration;

    public ControlPlaneMetrics()
    {
        _registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);

        _queueDepth = factory.CreateGauge(
            "slipway_workqueue_depth",
            "App×envs waiting in the work queue for a worker (queued, not yet picked).");
        _queueWait = factory.CreateHistogram(
            "slipway_workqueue_wait_seconds",
            "Time from an app×env being queued to a worker picking it.",
            Latency());
        _reconcileDuration = factory.CreateHistogram(
            "slipway_reconcile_duration_seconds",
            "Duration of one reconcile pass of an app×env: read desired, persisted and observed state, act, persist.",
            Latency("app", "env"));
        _reconciles = factory.CreateCounter(
            "slipway_reconcile_total",
            "Reconcile passes of an app×env, by result (succeeded, or failed: the pass threw and will be retried).",
            "app", "env", "result");
        _routerPublishes = factory.CreateCounter(
            "slipway_router_table_publishes_total",
            "Route table publishes, by result: written (the file changed) or unchanged (the table was the same; nothing written).",
            "result");
        _routerPublishDuration = factory.CreateHistogram(
            "slipway_router_table_publish_duration_seconds",
            "Duration of one route table publish: build the table, compare, write the file when it changed.",
            Latency());
        _routerRoutes = factory.CreateGauge(
            "slipway_router_table_routes",
            "Routes in the route table last published.");
        _resyncs = factory.CreateCounter(
            "slipway_resyncs_total",
            "Periodic resyncs: every app×env queued again as a safety net for a missed event.");
        _storeOperations = factory.CreateCounter(
            "slipway_store_operations_total",
            "Store calls, by operation and kind (read or write), failed calls included.",
            "operation", "kind");
        _storeDuration = factory.CreateHistogram(
            "slipway_store_operation_duration_seconds",
            "Duration of one store call, by operation.",
            Latency("operation"));
        _apiDuration = factory.CreateHistogram(
            "slipway_api_request_duration_seconds",
            "Duration of an API request, from its first middleware to its response, by method, route pattern and status code.",
            Latency("method", "route", "code"));

        foreach (var operation in StoreOperation.All)
        {
            _storeOperations.WithLabels(operation.Name, operation.Kind);
            _storeDuration.WithLabels(operation.Name);
        }

        _routerPublishes.WithLabels("written");
        _routerPublishes.WithLabels("unchanged");
        ProcessMetrics.Register(_registry, factory);
    }

    /// <summary>Sets <c>slipway_workqueue_depth</c>: app×envs queued and not yet picked by a worker.</summary>
    public void SetQueueDepth(int depth) => _queueDepth.Set(depth);

    /// <summary>Observes <c>slipway_workqueue_wait_seconds</c>: how long an app×env waited from being queued to a worker picking it.</summary>
    public void ObserveQueueWait(TimeSpan wait) => _queueWait.Observe(wait.TotalSeconds);

    /// <summary>
    /// Observes one reconcile pass of <paramref name="app"/>×<paramref name="env"/>: its duration in
    /// <c>slipway_reconcile_duration_seconds{app,env}</c> and its result in <c>slipway_reconcile_total{app,env,result}</c>.
    /// Both results exist from the app×env's first pass, so that a rate of failures reads 0, not "no data", until one fails.
    /// </summary>
    /// <param name="failed">The pass threw (it will be retried); false when it ran to its end, whatever it decided.</param>
    public void ObserveReconcile(string app, string env, TimeSpan duration, bool failed)
    {
        _reconcileDuration.WithLabels(app, env).Observe(duration.TotalSeconds);
        var succeeded = _reconciles.WithLabels(app, env, Succeeded);
        var failures = _reconciles.WithLabels(app, env, Failed);
        (failed ? failures : succeeded).Inc();
    }

    /// <summary>
    /// Removes every series of a deleted app×env, so that the exposition does not grow with every app ever created. Call it
    /// after the app×env's last pass (the one that found it deleted and stopped its instances): a pass observed after it
    /// brings the series back.
    /// </summary>
    public void Forget(string app, string env)
    {
        _reconcileDuration.RemoveLabelled(app, env);
        _reconciles.RemoveLabelled(app, env, Succeeded);
        _reconciles.RemoveLabelled(app, env, Failed);
    }

    /// <summary>
    /// Observes one route table publish: <c>slipway_router_table_publishes_total{result}</c> (<c>written</c> when the file
    /// changed, <c>unchanged</c> when the table was the same), its duration, and the table's size in <c>slipway_router_table_routes</c>.
    /// </summary>
    public void ObserveRouterPublish(TimeSpan duration, int routes, bool written)
    {
        _routerPublishes.WithLabels(written ? "written" : "unchanged").Inc();
        _routerPublishDuration.Observe(duration.TotalSeconds);
        _routerRoutes.Set(routes);
    }

    /// <summary>Counts one periodic resync in <c>slipway_resyncs_total</c>.</summary>
    public void CountResync() => _resyncs.Inc();

    /// <summary>Counts and times one store call (see <see cref="InstrumentedStore"/>).</summary>
    public void ObserveStoreOperation(StoreOperation operation, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(operation);
        _storeOperations.WithLabels(operation.Name, operation.Kind).Inc();
        _storeDuration.WithLabels(operation.Name).Observe(duration.TotalSeconds);
    }

    /// <summary>
    /// Observes one API request (see <see cref="ApiRequestMetrics"/>). The caller bounds the labels: a known method or
    /// <c>OTHER</c>, the endpoint's route pattern or <c>unmatched</c>, never the raw path.
    /// </summary>
    public void ObserveApiRequest(string method, string route, int statusCode, TimeSpan duration) =>
        _apiDuration.WithLabels(method, route, statusCode.ToString(CultureInfo.InvariantCulture)).Observe(duration.TotalSeconds);

    /// <summary>Calls of one store operation so far (its <see cref="StoreOperation.Name"/>, e.g. <c>get_status</c>); for tests that count the cost of a change.</summary>
    public long StoreOperations(string operation) => Sum(_storeOperations, labels => labels[0] == operation);

    /// <summary>Store calls that read, so far, all operations together.</summary>
    public long StoreReads => Sum(_storeOperations, labels => labels[1] == "read");

    /// <summary>Store calls that write, so far, all operations together.</summary>
    public long StoreWrites => Sum(_storeOperations, labels => labels[1] == "write");

    /// <summary>Reconcile passes of one app×env so far, both results; 0 for an app×env never reconciled or forgotten.</summary>
    public long Reconciles(string app, string env) => Sum(_reconciles, labels => labels[0] == app && labels[1] == env);

    /// <summary>Writes every series in the Prometheus text format (<see cref="ContentType"/>), process metrics read now.</summary>
    public Task ExportAsync(Stream destination, CancellationToken ct) =>
        _registry.CollectAndExportAsTextAsync(destination, ExpositionFormat.PrometheusText, ct);

    /// <summary>
    /// Buckets from 0.1 ms to 10 s in steps of 1, 2.5 and 5 (16 buckets): a store read or an API call lands in the
    /// first ones, a pass that waits on a process or the router in the last ones, and a quantile read from them is
    /// within a factor of 2.5.
    /// </summary>
    private static HistogramConfiguration Latency(params string[] labelNames) => new()
    {
        LabelNames = labelNames,
        Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private static long Sum(Counter counter, Func<string[], bool> selected) =>
        (long)counter.GetAllLabelValues().Where(selected).Sum(labels => counter.WithLabels(labels).Value);
}
