using Slipway.Core.Analysis;
using Slipway.Core.Hooks;
using Slipway.Server.Apply;
using Slipway.Server.Metrics;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Metrics;

/// <summary>The decorator over a real SQLite store: every call reaches the store, and is counted once under its operation.</summary>
public sealed class InstrumentedStoreTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _temp = new();
    private readonly ControlPlaneMetrics _metrics = new();
    private InstrumentedStore _store = null!;
    private ApplyService _apply = null!;

    public async Task InitializeAsync()
    {
        _temp.WriteFile("artifact/app.dll", "code");
        var options = new ServerOptions(_temp.Combine("data"));
        var sqlite = await SqliteStore.OpenAsync(options.StorePath, TimeProvider.System, CancellationToken.None);
        _store = new InstrumentedStore(sqlite, _metrics, TimeProvider.System);
        _apply = ApplyServices.Create(_store, new ArtifactStore(options), new ControlPlaneLock(), TimeProvider.System, new WorkQueue(TimeProvider.System), options);
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Each_call_reaches_the_store_and_counts_once_as_a_read_or_a_write()
    {
        await ApplyAsync("web");
        var writes = _metrics.StoreWrites;
        var reads = _metrics.StoreReads;
        var before = StoreOperation.All.ToDictionary(o => o.Name, o => _metrics.StoreOperations(o.Name));

        var apps = await _store.ListAppsAsync(CancellationToken.None);
        var app = await _store.GetAppAsync("web", "dev", CancellationToken.None);
        var revisions = await _store.ListRevisionsAsync("web", "dev", CancellationToken.None);
        var status = await _store.GetStatusAsync("web", "dev", CancellationToken.None);
        await _store.SaveStatusAsync("web", "dev", status, [new NewEvent(null, "Tested", "a test event")], CancellationToken.None);
        var events = await _store.ListEventsAsync("web", "dev", 10, CancellationToken.None);
        var summaries = await _store.ListRevisionSummariesAsync(CancellationToken.None);
        Assert.Equal(0, await _store.DeleteRevisionsAsync("web", "dev", [1], CancellationToken.None)); // the desired one stays
        var templates = await _store.ListTemplatesAsync(CancellationToken.None);
        Assert.False(await _store.DeleteTemplateAsync("none", CancellationToken.None));
        var policies = await _store.ListImagePoliciesAsync(CancellationToken.None);
        Assert.False(await _store.DeleteImagePolicyAsync("none", CancellationToken.None));
        var key = new AnalysisRunKey(AnalysisKind.Background, 1, 0, DateTimeOffset.UnixEpoch);
        var run = await _store.CreateAnalysisRunAsync("web", "dev", AnalysisRun.Start(key, null, [], DateTimeOffset.UnixEpoch), CancellationToken.None);
        await _store.SaveAnalysisRunAsync(run, null, CancellationToken.None);
        var runs = await _store.ListAnalysisRunsAsync("web", "dev", 10, CancellationToken.None);
        var unfinished = await _store.ListUnfinishedAnalysisRunsAsync(CancellationToken.None);
        var measurements = await _store.ListMeasurementsAsync(run.Id, 10, CancellationToken.None);
        var secret = new SecretRecord("dev", "db", 1, new Dictionary<string, int> { ["url"] = 1 }, DateTimeOffset.UnixEpoch, "test");
        Assert.True(await _store.SaveSecretAsync(secret, 0, [new SecretValueRecord("dev", "db", "url", 1, "k1", [1, 2, 3])], CancellationToken.None));
        var secrets = await _store.ListSecretsAsync("dev", CancellationToken.None);
        var secretValues = await _store.ListSecretValuesAsync(CancellationToken.None);
        Assert.Equal(1, await _store.ReencryptSecretValuesAsync([secretValues[0] with { KeyId = "k2" }], CancellationToken.None));
        Assert.Equal(SecretDeletionOutcome.Deleted, (await _store.DeleteSecretAsync("dev", "db", force: false, "test", CancellationToken.None)).Outcome);
        var hook = new HookSpec("migrate", HookType.PreRollout, new JobHookAction("true", [], []), HookSpec.DefaultTimeout, 0);
        var hookRun = await _store.CreateHookRunAsync("web", "dev", new HookRun(new HookRunKey(HookType.PreRollout, "migrate", 1, DateTimeOffset.UnixEpoch), hook, new HookMoment("Progressing", 0, null), DateTimeOffset.UnixEpoch), CancellationToken.None);
        await _store.CreateEventHookRunsAsync("web", "dev", "notify", [], 3, CancellationToken.None);
        var cursor = await _store.GetHookCursorAsync("web", "dev", "notify", CancellationToken.None);
        await _store.SaveHookRunAsync(hookRun, CancellationToken.None);
        var hookRuns = await _store.ListHookRunsAsync("web", "dev", 10, CancellationToken.None);
        var unfinishedHooks = await _store.ListUnfinishedHookRunsAsync(CancellationToken.None);
        var irreversible = await _store.ListIrreversibleHookRunsAsync("web", "dev", null, CancellationToken.None);
        var after = await _store.ListEventsAfterAsync("web", "dev", 0, 10, CancellationToken.None);
        Assert.Equal(1, await _store.RecordSloAsync("web", "dev", [new SloRecording("availability", [new SloSecond(120, 9, 10)], 100, 130)], CancellationToken.None));
        var progress = await _store.ListSloProgressAsync("web", "dev", CancellationToken.None);
        var sums = await _store.SumSloAsync("web", "dev", "availability", [DateTimeOffset.UnixEpoch], CancellationToken.None);
        Assert.Equal(1, await _store.PruneSloAsync("web", "dev", DateTimeOffset.UnixEpoch.AddHours(1), CancellationToken.None));
        const string digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        await _store.SaveImageAsync(new ImageRecord("localhost:5000/web", digest, ["v1"], "build", DateTimeOffset.UnixEpoch, "test", "{}"), [new ImagePackageRecord("Debian", "zlib1g", "1.2", "pkg:deb/debian/zlib1g@1.2")], CancellationToken.None);
        var images = await _store.ListImagesAsync(digest, CancellationToken.None);
        var packages = await _store.ListImagePackagesAsync(digest, CancellationToken.None);
        var uses = await _store.FindPackageUsesAsync("zlib1g", null, CancellationToken.None);
        await _store.SavePromotionAsync(new PromotionRecord(0, "a", digest, "b", digest, null, "test", DateTimeOffset.UnixEpoch, "{}"), CancellationToken.None);
        var promotions = await _store.ListPromotionsAsync(null, 10, CancellationToken.None);
        Assert.True(await _store.AddSigningKeyAsync(new SigningKeyRecord("release", "pem", "kid", null, null, DateTimeOffset.UnixEpoch, "test"), CancellationToken.None));
        var keys = await _store.ListSigningKeysAsync(CancellationToken.None);
        Assert.Equal(0, await _store.ReencryptSigningKeysAsync(keys, CancellationToken.None)); // a public key only: nothing sealed to re-encrypt
        Assert.True(await _store.DeleteSigningKeyAsync("release", CancellationToken.None));
        var exception = await _store.AddVulnerabilityExceptionAsync(new VulnerabilityExceptionRecord(0, null, "CVE-1", null, "why", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "test"), CancellationToken.None);
        var exceptions = await _store.ListVulnerabilityExceptionsAsync(CancellationToken.None);
        Assert.True(await _store.DeleteVulnerabilityExceptionAsync(exception.Id, CancellationToken.None));
        await _store.DeleteAppAsync("web", "dev", CancellationToken.None);

        Assert.Single(images);
        Assert.Single(packages);
        Assert.Empty(uses);
        Assert.Single(promotions);
        Assert.Single(keys);
        Assert.Single(exceptions);
        Assert.Equal("web", Assert.Single(apps).App);
        Assert.NotNull(app);
        Assert.Single(revisions);
        Assert.Contains(events, e => e.Reason == "Tested");
        Assert.Single(summaries);
        Assert.Null(await _store.GetAppAsync("web", "dev", CancellationToken.None));
        Assert.Empty(templates);
        Assert.Empty(policies);
        Assert.Single(runs);
        Assert.Single(unfinished);
        Assert.Empty(measurements);
        Assert.Single(secrets);
        Assert.Single(secretValues);
        Assert.Equal(3, cursor);
        Assert.Single(hookRuns);
        Assert.Single(unfinishedHooks);
        Assert.Empty(irreversible);
        Assert.Contains(after, e => e.Reason == "Tested");
        Assert.Equal(new SloProgress("availability", 100, 130), Assert.Single(progress));
        Assert.Equal(new Core.Slo.SloCounts(9, 10), Assert.Single(sums));
        Assert.Equal(reads + 27, _metrics.StoreReads);
        Assert.Equal(writes + 22, _metrics.StoreWrites);
        Assert.All(StoreOperation.All.Where(o => o != StoreOperation.SaveApp && o != StoreOperation.SaveApps), o =>
            Assert.True(before[o.Name] + (o == StoreOperation.GetApp ? 2 : 1) == _metrics.StoreOperations(o.Name), o.Name));
    }

    [Fact]
    public async Task An_apply_of_one_file_is_one_write()
    {
        await ApplyAsync("web");

        Assert.Equal(1, _metrics.StoreWrites);
        Assert.Equal(1, _metrics.StoreOperations("save_apps"));
    }

    [Fact]
    public async Task A_call_that_fails_is_counted_and_its_exception_passes_through()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.ListAppsAsync(cancelled.Token));

        Assert.Equal(1, _metrics.StoreOperations("list_apps"));
    }

    private async Task ApplyAsync(string app)
    {
        var yaml = IdleAppSpec.Yaml(app);
        var outcome = await _apply.ApplyAsync(new ApplyRequest(_temp.Combine($"{app}.yaml"), yaml, _temp.Path), dryRun: false, CancellationToken.None);
        Assert.Empty(outcome.Errors);
    }
}
