using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>Analysis templates, runs and measurements: kept, found again after a crash, bounded, forgotten with the app.</summary>
public sealed class AnalysisRunTests : StoreTest
{
    private static readonly DateTimeOffset Started = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly MetricSpec Errors = new("errors", new RouterMetricProvider(RouterMeasure.ErrorRate, TimeSpan.FromSeconds(10), true))
    {
        Interval = TimeSpan.FromSeconds(1),
        SuccessCondition = "canary <= stable + 0.01",
    };

    private protected override StoreOptions Options => new() { MeasurementsPerMetric = 3, AnalysisRunsPerApp = 2 };

    private static AnalysisRun Run(int revision = 2, int attempt = 0) =>
        AnalysisRun.Start(new AnalysisRunKey(AnalysisKind.Background, revision, 0, Started, attempt), 1, [Errors], Started);

    private static Measurement Measured(int second, double value) =>
        new("errors", AnalysisPhase.Successful, Started.AddSeconds(second), Started.AddSeconds(second))
        {
            Value = AnalysisValue.Of(value),
            Canary = AnalysisValue.Of(value),
            Stable = AnalysisValue.Of(double.NaN),
            SampleSize = 120,
            Message = "canary 0.01, stable NaN: successCondition holds",
        };

    [Fact]
    public async Task A_run_asked_for_again_is_the_one_already_stored_with_its_progress()
    {
        var created = await Store.CreateAnalysisRunAsync("web", "prod", Run(), Ct);
        var measurement = Measured(1, 0.01);
        await Store.SaveAnalysisRunAsync(created with { Run = created.Run.Record(Errors, measurement) }, measurement, Ct);

        var again = await Store.CreateAnalysisRunAsync("web", "prod", Run(), Ct);
        Assert.Equal(created.Id, again.Id);
        Assert.Equal(1, again.Run.MetricStatuses[0].Successful);
        Assert.Equal(Started, again.Run.Key.RolloutStartedAt);
        Assert.Equal(AnalysisPhase.Running, again.Run.State.Phase);

        var stored = Assert.Single(await Store.ListMeasurementsAsync(created.Id, 10, Ct));
        Assert.Equal(0.01, Assert.IsType<NumberValue>(stored.Canary).Value);
        Assert.True(double.IsNaN(Assert.IsType<NumberValue>(stored.Stable).Value)); // NaN survives JSON
        Assert.Equal(120, stored.SampleSize);
    }

    [Fact]
    public async Task Measurements_are_bounded_per_metric_and_listed_oldest_first()
    {
        var run = await Store.CreateAnalysisRunAsync("web", "prod", Run(), Ct);
        for (var second = 1; second <= 5; second++)
        {
            var m = Measured(second, second / 100.0);
            run = run with { Run = run.Run.Record(Errors, m) };
            await Store.SaveAnalysisRunAsync(run, m, Ct);
        }

        Assert.Equal([0.03, 0.04, 0.05], (await Store.ListMeasurementsAsync(run.Id, 10, Ct)).Select(m => ((NumberValue)m.Value!).Value));
        Assert.Equal([0.04, 0.05], (await Store.ListMeasurementsAsync(run.Id, 2, Ct)).Select(m => ((NumberValue)m.Value!).Value));
        Assert.Equal(5, (await Store.ListAnalysisRunsAsync("web", "prod", 1, Ct))[0].Run.MetricStatuses[0].Count); // the counters saw all five
    }

    [Fact]
    public async Task Unfinished_runs_are_found_for_a_starting_server_and_old_finished_runs_go()
    {
        var first = await Store.CreateAnalysisRunAsync("web", "prod", Run(attempt: 0), Ct);
        await Store.SaveAnalysisRunAsync(first with { Run = first.Run.Terminate(Started.AddSeconds(5), "the rollout ended") }, null, Ct);
        await Store.CreateAnalysisRunAsync("web", "prod", Run(attempt: 1), Ct);
        await Store.CreateAnalysisRunAsync("web", "prod", Run(attempt: 2), Ct);
        await Store.CreateAnalysisRunAsync("api", "prod", Run(attempt: 0), Ct);

        Assert.Equal([1, 2], (await Store.ListAnalysisRunsAsync("web", "prod", 10, Ct)).Select(r => r.Run.Key.Attempt).Order());
        Assert.Equal([("web", 1), ("web", 2), ("api", 0)], (await Store.ListUnfinishedAnalysisRunsAsync(Ct)).Select(r => (r.App, r.Run.Key.Attempt)));
    }

    [Fact]
    public async Task Deleting_an_app_forgets_its_runs_and_measurements()
    {
        var run = await Store.CreateAnalysisRunAsync("web", "prod", Run(), Ct);
        await Store.SaveAnalysisRunAsync(run, Measured(1, 0.01), Ct);
        await Store.CreateAnalysisRunAsync("web", "staging", Run(), Ct);

        await Store.DeleteAppAsync("web", "prod", Ct);

        Assert.Empty(await Store.ListAnalysisRunsAsync("web", "prod", 10, Ct));
        Assert.Empty(await Store.ListMeasurementsAsync(run.Id, 10, Ct));
        Assert.Single(await Store.ListAnalysisRunsAsync("web", "staging", 10, Ct));
    }

    [Fact]
    public async Task Templates_are_saved_with_the_apps_of_an_apply_and_replaced_by_name()
    {
        var template = new AnalysisTemplate("error-rate", [new AnalysisArg("quantile", "0.99")], [Errors]);
        await Store.SaveAppsAsync([new AppChange(App(), Revision(1), MidCanary(), [])], [template], Ct);
        Assert.Equal("quantile", Assert.Single(await Store.ListTemplatesAsync(Ct)).Args[0].Name);

        await Store.SaveAppsAsync([], [template with { Args = [] }], Ct);
        Assert.Empty(Assert.Single(await Store.ListTemplatesAsync(Ct)).Args);

        Assert.True(await Store.DeleteTemplateAsync("error-rate", Ct));
        Assert.False(await Store.DeleteTemplateAsync("error-rate", Ct));
        Assert.Empty(await Store.ListTemplatesAsync(Ct));
    }
}
