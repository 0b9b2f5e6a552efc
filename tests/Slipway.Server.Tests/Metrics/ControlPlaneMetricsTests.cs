using Slipway.Server.Metrics;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Metrics;

public sealed class ControlPlaneMetricsTests
{
    [Fact]
    public async Task Forget_removes_every_series_of_the_app_env_and_keeps_the_others()
    {
        var metrics = new ControlPlaneMetrics();
        metrics.ObserveReconcile("web", "dev", TimeSpan.FromMilliseconds(3), failed: false);
        metrics.ObserveReconcile("web", "prod", TimeSpan.FromMilliseconds(4), failed: true);
        metrics.ObserveReconcile("api", "dev", TimeSpan.FromMilliseconds(5), failed: false);

        metrics.Forget("web", "dev");
        var samples = await ScrapeAsync(metrics);

        Assert.DoesNotContain(samples, s => s.Has("app", "web") && s.Has("env", "dev"));
        Assert.Equal(0, metrics.Reconciles("web", "dev"));
        Assert.Equal(1, metrics.Reconciles("web", "prod"));
        Assert.Contains(samples, s => s.Name == "slipway_reconcile_total" && s.Has("app", "web") && s.Has("env", "prod") && s.Has("result", "failed") && s.Value == 1);
        Assert.Contains(samples, s => s.Name == "slipway_reconcile_duration_seconds_count" && s.Has("app", "api") && s.Has("env", "dev") && s.Value == 1);
    }

    [Fact]
    public async Task Forgetting_every_app_env_leaves_no_series_behind_however_many_there_were()
    {
        var metrics = new ControlPlaneMetrics();
        var before = (await ScrapeAsync(metrics)).Count;
        for (var i = 0; i < 300; i++)
        {
            metrics.ObserveReconcile($"app{i}", "dev", TimeSpan.FromMilliseconds(i), failed: i % 7 == 0);
        }

        for (var i = 0; i < 300; i++)
        {
            metrics.Forget($"app{i}", "dev");
        }

        Assert.Equal(before, (await ScrapeAsync(metrics)).Count);
    }

    [Fact]
    public void Forgetting_an_app_env_never_seen_is_harmless()
    {
        var metrics = new ControlPlaneMetrics();

        metrics.Forget("ghost", "dev");

        Assert.Equal(0, metrics.Reconciles("ghost", "dev"));
    }

    [Fact]
    public async Task A_first_pass_shows_both_results_so_a_failure_rate_starts_at_zero()
    {
        var metrics = new ControlPlaneMetrics();

        metrics.ObserveReconcile("web", "dev", TimeSpan.FromMilliseconds(2), failed: false);
        var samples = await ScrapeAsync(metrics);

        Assert.Contains(samples, s => s.Name == "slipway_reconcile_total" && s.Has("app", "web") && s.Has("result", "succeeded") && s.Value == 1);
        Assert.Contains(samples, s => s.Name == "slipway_reconcile_total" && s.Has("app", "web") && s.Has("result", "failed") && s.Value == 0);
    }

    [Fact]
    public async Task Queue_router_and_resync_observations_appear_under_their_names()
    {
        var metrics = new ControlPlaneMetrics();

        metrics.SetQueueDepth(7);
        metrics.ObserveQueueWait(TimeSpan.FromMilliseconds(30));
        metrics.ObserveRouterPublish(TimeSpan.FromMilliseconds(2), routes: 12, written: true);
        metrics.ObserveRouterPublish(TimeSpan.FromMilliseconds(1), routes: 12, written: false);
        metrics.ObserveRouterPublish(TimeSpan.FromMilliseconds(1), routes: 11, written: true);
        metrics.CountResync();
        var samples = await ScrapeAsync(metrics);

        Assert.Equal(7, Single(samples, "slipway_workqueue_depth").Value);
        Assert.Equal(1, Single(samples, "slipway_workqueue_wait_seconds_count").Value);
        Assert.Equal(1, samples.Single(s => s.Name == "slipway_workqueue_wait_seconds_bucket" && s.Has("le", "0.05")).Value);
        Assert.Equal(0, samples.Single(s => s.Name == "slipway_workqueue_wait_seconds_bucket" && s.Has("le", "0.025")).Value);
        Assert.Equal(2, samples.Single(s => s.Name == "slipway_router_table_publishes_total" && s.Has("result", "written")).Value);
        Assert.Equal(1, samples.Single(s => s.Name == "slipway_router_table_publishes_total" && s.Has("result", "unchanged")).Value);
        Assert.Equal(3, Single(samples, "slipway_router_table_publish_duration_seconds_count").Value);
        Assert.Equal(11, Single(samples, "slipway_router_table_routes").Value);
        Assert.Equal(1, Single(samples, "slipway_resyncs_total").Value);
    }

    [Fact]
    public async Task Store_operations_are_counted_by_operation_and_kind_and_every_one_exists_at_zero()
    {
        var metrics = new ControlPlaneMetrics();
        Assert.All(StoreOperation.All, o => Assert.Equal(0, metrics.StoreOperations(o.Name)));

        metrics.ObserveStoreOperation(StoreOperation.GetStatus, TimeSpan.FromMilliseconds(1));
        metrics.ObserveStoreOperation(StoreOperation.GetStatus, TimeSpan.FromMilliseconds(1));
        metrics.ObserveStoreOperation(StoreOperation.SaveStatus, TimeSpan.FromMilliseconds(1));
        var samples = await ScrapeAsync(metrics);

        Assert.Equal(2, metrics.StoreOperations("get_status"));
        Assert.Equal(2, metrics.StoreReads);
        Assert.Equal(1, metrics.StoreWrites);
        Assert.Equal(StoreOperation.All.Count, samples.Count(s => s.Name == "slipway_store_operations_total"));
        Assert.Equal(2, samples.Single(s => s.Name == "slipway_store_operations_total" && s.Has("operation", "get_status") && s.Has("kind", "read")).Value);
        Assert.Equal(1, samples.Single(s => s.Name == "slipway_store_operations_total" && s.Has("operation", "save_status") && s.Has("kind", "write")).Value);
    }

    [Fact]
    public async Task Two_instances_count_apart()
    {
        var first = new ControlPlaneMetrics();
        var second = new ControlPlaneMetrics();

        first.CountResync();

        Assert.Equal(1, Single(await ScrapeAsync(first), "slipway_resyncs_total").Value);
        Assert.Equal(0, Single(await ScrapeAsync(second), "slipway_resyncs_total").Value);
    }

    private static PrometheusSample Single(IReadOnlyList<PrometheusSample> samples, string name) => samples.Single(s => s.Name == name);

    private static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(ControlPlaneMetrics metrics)
    {
        using var stream = new MemoryStream();
        await metrics.ExportAsync(stream, CancellationToken.None);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
