using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Spec;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Slo;
using Slipway.Server.Tests.Analysis.Providers;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Slo;

/// <summary>
/// A real router (in process) serving app <c>web</c> in <c>prod</c> from a stable revision that fails one request in
/// <c>errorEvery</c> and a healthy canary, a real store, and the SLO recorder and error-budget service over them — all
/// on one fake clock, so that seconds and windows are exact.
/// </summary>
internal sealed class SloHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly TemporaryDirectory _directory;
    private readonly RevisionBackend _stable;
    private readonly RevisionBackend _canary;

    private SloHarness(TemporaryDirectory directory, RevisionBackend stable, RevisionBackend canary, AnalysisRouter router, FakeTimeProvider time, SqliteStore store, AppRecord app)
    {
        _directory = directory;
        _stable = stable;
        _canary = canary;
        Router = router;
        Time = time;
        Store = store;
        App = app;
        Recorder = NewRecorder();
        Measurer = new SloMeasurer(store, new PrometheusProvider(MetricHttp.CreateClient(), time), time);
        ErrorBudget = new ErrorBudgetService(store, Recorder, Measurer);
    }

    public AnalysisRouter Router { get; }

    /// <summary>A temporary directory holding the store (<c>slipway.db</c>); a test may write spec files and artifacts in it.</summary>
    public TemporaryDirectory Directory => _directory;

    public FakeTimeProvider Time { get; }

    public SqliteStore Store { get; }

    public AppRecord App { get; }

    public SloRecorder Recorder { get; }

    public SloMeasurer Measurer { get; }

    public ErrorBudgetService ErrorBudget { get; }

    /// <summary>The app's spec: an availability SLO of 99.9 % over 1 h and an alert of 14.4× over 2m and 1m (short, for
    /// tests), with the SLOs in <paramref name="slos"/> and the policy fields in <paramref name="policy"/> added.</summary>
    public static async Task<SloHarness> StartAsync(int errorEvery, string slos = "", string policy = "", int canaryErrorEvery = 0)
    {
        var time = new FakeTimeProvider(Start);
        var stable = await RevisionBackend.StartAsync(errorEvery: errorEvery);
        var canary = await RevisionBackend.StartAsync(errorEvery: canaryErrorEvery);
        var router = await AnalysisRouter.StartAsync(stable, canary, time);
        var directory = new TemporaryDirectory();
        var store = await SqliteStore.OpenAsync(directory.Combine("slipway.db"), time, CancellationToken.None);
        var yaml = $$"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata: {name: web, environment: prod}
            spec:
              artifact: {path: ./artifact}
              command: dotnet
              slos:
                - {name: availability, availability: {}, objective: 99.9%, window: 1h}
            {{slos}}
              errorBudgetPolicy:
                burnRates: [{long: 2m, short: 1m, factor: 14.4}]
            {{policy}}
            """;
        var parsed = SpecParser.Parse(yaml, "web.yaml", directory.Path);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        var app = new AppRecord("web", "prod", AppRecord.NewUid(), parsed.Manifests[0].Spec, 1, Start, Start);
        await store.SaveAppAsync(app, null, Core.Rollouts.RolloutStatus.Empty, [], CancellationToken.None);
        return new SloHarness(directory, stable, canary, router, time, store, app);
    }

    /// <summary>A recorder as a restarted server has: nothing in memory, the same store and router.</summary>
    public SloRecorder NewRecorder() => new(Store, Router.AdminClient(), Time, NullLogger<SloRecorder>.Instance);

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await _canary.DisposeAsync();
        await _stable.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
