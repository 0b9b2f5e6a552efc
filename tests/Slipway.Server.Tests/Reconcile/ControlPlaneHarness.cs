using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Slipway.Server.Analysis;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Apply;
using Slipway.Server.Metrics;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Reconcile;

/// <summary>
/// The control plane without its host: a real SQLite store, the real apply and rollout services and the real
/// reconciler, acting on a <see cref="FakeTarget"/> under a manual clock. Each test gets its own directory.
/// </summary>
internal sealed class ControlPlaneHarness : IAsyncDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly ControlPlaneLock _gate = new();
    private ApplyService _apply = null!;

    private ControlPlaneHarness()
    {
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public FakeTarget Target { get; } = new();

    private readonly List<AnalysisRunner> _runners = [];

    private readonly List<Slipway.Server.Hooks.HookRunner> _hookRunners = [];

    /// <summary>The queue the services add to; the harness's passes are run by the test, not by workers.</summary>
    public WorkQueue Queue { get; private set; } = null!;

    /// <summary>What the reconciler counts: its passes per app×env, and its store reads and writes.</summary>
    public ControlPlaneMetrics Metrics { get; } = new();

    public SqliteStore Store { get; private set; } = null!;

    public RolloutService Rollouts { get; private set; } = null!;

    public Reconciler Reconciler { get; private set; } = null!;

    public string StorePath => _temp.Combine("data", "slipway.db");

    public ServerOptions Options { get; private set; } = null!;

    /// <summary>The artifact copies the applies make, under <see cref="ServerOptions.ArtifactsDirectory"/>.</summary>
    public ArtifactStore Artifacts { get; private set; } = null!;

    public ControlPlaneLock Gate => _gate;

    public static async Task<ControlPlaneHarness> StartAsync(StoreOptions? storeOptions = null)
    {
        var harness = new ControlPlaneHarness();
        harness.WriteArtifact("code");
        harness.Store = await SqliteStore.OpenAsync(harness.StorePath, harness.Time, storeOptions ?? StoreOptions.Default, CancellationToken.None);
        var options = harness.Options = new ServerOptions(harness._temp.Combine("data"));
        harness.Artifacts = new ArtifactStore(options);
        harness.Queue = new WorkQueue(harness.Time);
        harness._apply = ApplyServices.Create(harness.Store, harness.Artifacts, harness._gate, harness.Time, harness.Queue, options);
        harness.Rollouts = new RolloutService(harness.Store, harness._gate, harness.Queue, harness._apply, harness.Time);
        harness.Reconciler = harness.NewReconciler(harness.Store);
        return harness;
    }

    /// <summary>A reconciler over <paramref name="store"/> and the harness's target, as a restarted controller would be.</summary>
    /// <remarks>Its analysis runner measures through real providers; there is no router behind this fake target, so
    /// a router metric would be an error (the discard port answers nothing).</remarks>
    public Reconciler NewReconciler(IStore store)
    {
        var instrumented = new InstrumentedStore(store, Metrics, Time);
        var router = new RouterAdminClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9") }, Time);
        var providers = MetricProviders.Create(new RouterProvider(router), new JudgeProvider(router, Time), MetricHttp.CreateClient(), Time, NullLoggerFactory.Instance);
        var analysis = new AnalysisRunner(instrumented, Queue, Target, providers, Artifacts, Time, NullLogger<AnalysisRunner>.Instance);
        _runners.Add(analysis);
        var hooks = new Slipway.Server.Hooks.HookRunner(instrumented, Queue, Target, Artifacts, new Slipway.Server.Secrets.SecretVault(store, Slipway.Server.Secrets.MasterKeys.Open(Options.DataDirectory, _ => null), Time, NullLogger<Slipway.Server.Secrets.SecretVault>.Instance), Time, NullLogger<Slipway.Server.Hooks.HookRunner>.Instance);
        _hookRunners.Add(hooks);
        return new(instrumented, _gate, Queue, Target, Options, Metrics, analysis, hooks, Time, NullLogger<Reconciler>.Instance);
    }

    /// <summary>Rewrites the artifact every apply reads: the next apply makes a new revision with a new copy.</summary>
    public void WriteArtifact(string code) => _temp.WriteFile("artifact/app.dll", code);

    /// <summary>Applies the canary spec (10 %, then a pause until promoted) of <paramref name="app"/> with <c>VERSION</c> set.</summary>
    /// <param name="irreversible">The release's <c>irreversible.reason</c>, if it declares one.</param>
    public async Task ApplyAsync(string app, string version, int replicas = 2, int minReadySeconds = 5, int? revisionHistoryLimit = null, string? irreversible = null)
    {
        var outcome = await ApplyOutcomeAsync(app, version, replicas, minReadySeconds, revisionHistoryLimit, irreversible);
        Assert.Empty(outcome.Errors);
    }

    /// <summary>What applying the canary spec answers (see <see cref="ApplyAsync"/>), errors included.</summary>
    public async Task<ApplyOutcome> ApplyOutcomeAsync(string app, string version, int replicas = 2, int minReadySeconds = 5, int? revisionHistoryLimit = null, string? irreversible = null, Core.Rollouts.RollbackOverride? force = null)
    {
        var yaml = $"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: {app}
            spec:
              artifact:
                path: ./artifact
              command: dotnet
              args: [app.dll]
              env:
                - name: VERSION
                  value: {version}
              replicas: {replicas}
              minReadySeconds: {minReadySeconds}{(revisionHistoryLimit is int limit ? $"\n  revisionHistoryLimit: {limit}" : "")}{(irreversible is null ? "" : $"\n  irreversible: {{reason: \"{irreversible}\"}}")}
              strategy:
                canary:
                  steps:
                    - setWeight: 10
                    - pause: {"{}"}
            """;
        return await _apply.ApplyAsync(new ApplyRequest(_temp.Combine($"{app}.yaml"), yaml, _temp.Path) { Force = force }, dryRun: false, CancellationToken.None);
    }

    /// <summary>
    /// A new revision of <paramref name="app"/> (one replica), its artifact rebuilt with <paramref name="version"/>,
    /// rolled out to the end: applied, promoted past its pause, every instance ready and the old ones stopped.
    /// </summary>
    public async Task RollOutAsync(string app, string version, int? revisionHistoryLimit = null)
    {
        WriteArtifact($"code {version}");
        await ApplyAsync(app, version, replicas: 1, minReadySeconds: 0, revisionHistoryLimit: revisionHistoryLimit);
        await SettleAsync(TimeSpan.FromSeconds(1), rounds: 4);
        if ((await Store.GetStatusAsync(app, "dev", CancellationToken.None)).InProgress)
        {
            await Rollouts.PromoteAsync(app, "dev", full: true, CancellationToken.None);
            await SettleAsync(TimeSpan.FromSeconds(1), rounds: 4);
        }

        var status = await Store.GetStatusAsync(app, "dev", CancellationToken.None);
        Assert.True(status.Phase == Core.Rollouts.RolloutPhase.Healthy && !status.InProgress, $"{app} {version} is not rolled out: {status.Phase} {status.Reason}");
    }

    /// <summary>Rounds of a pass, every instance becoming ready, and <paramref name="tick"/> passing.</summary>
    public async Task SettleAsync(TimeSpan tick, int rounds = 10)
    {
        for (var round = 0; round < rounds; round++)
        {
            await Reconciler.ReconcileAllAsync(CancellationToken.None);
            Target.MakeReady(_ => true, Time.GetUtcNow());
            Time.Advance(tick);
        }

        await Reconciler.ReconcileAllAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.DisposeAsync();
        }

        foreach (var runner in _hookRunners)
        {
            await runner.DisposeAsync();
        }

        Reconciler.Dispose();
        Queue.Dispose();
        _temp.Dispose();
    }
}
