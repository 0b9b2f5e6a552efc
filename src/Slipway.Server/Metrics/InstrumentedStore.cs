using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Store;

namespace Slipway.Server.Metrics;

/// <summary>
/// The store as the server uses it: every call goes to <paramref name="inner"/> and is counted and timed in
/// <paramref name="metrics"/> (<c>slipway_store_operations_total</c>, <c>slipway_store_operation_duration_seconds</c>),
/// failed calls included. A decorator rather than counters inside <see cref="SqliteStore"/>, so that the PostgreSQL store
/// is measured the same way, and so that tests can tell how many reads a change costs whatever store runs.
/// </summary>
internal sealed class InstrumentedStore(IStore inner, ControlPlaneMetrics metrics, TimeProvider time) : IStore
{
    public Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListApps, () => inner.ListAppsAsync(ct));

    public Task<AppRecord?> GetAppAsync(string app, string environment, CancellationToken ct) =>
        MeasureAsync(StoreOperation.GetApp, () => inner.GetAppAsync(app, environment, ct));

    public Task<IReadOnlyList<RevisionRecord>> ListRevisionsAsync(string app, string environment, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListRevisions, () => inner.ListRevisionsAsync(app, environment, ct));

    public Task<RolloutStatus> GetStatusAsync(string app, string environment, CancellationToken ct) =>
        MeasureAsync(StoreOperation.GetStatus, () => inner.GetStatusAsync(app, environment, ct));

    public Task<IReadOnlyList<EventRecord>> ListEventsAsync(string app, string environment, int limit, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListEvents, () => inner.ListEventsAsync(app, environment, limit, ct));

    public Task SaveAppAsync(AppRecord app, RevisionRecord? newRevision, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveApp, () => inner.SaveAppAsync(app, newRevision, status, events, ct));

    public Task SaveAppsAsync(IReadOnlyList<AppChange> changes, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveApps, () => inner.SaveAppsAsync(changes, ct));

    public Task DeleteAppAsync(string app, string environment, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteApp, () => inner.DeleteAppAsync(app, environment, ct));

    public Task<IReadOnlyList<RevisionSummary>> ListRevisionSummariesAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListRevisionSummaries, () => inner.ListRevisionSummariesAsync(ct));

    public Task<int> DeleteRevisionsAsync(string app, string environment, IReadOnlyCollection<int> numbers, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteRevisions, () => inner.DeleteRevisionsAsync(app, environment, numbers, ct));

    public Task SaveStatusAsync(string app, string environment, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveStatus, () => inner.SaveStatusAsync(app, environment, status, events, ct));

    public Task SaveAppsAsync(IReadOnlyList<AppChange> changes, IReadOnlyList<AnalysisTemplate> templates, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveApps, () => inner.SaveAppsAsync(changes, templates, ct));

    public Task SaveAppsAsync(IReadOnlyList<AppChange> changes, IReadOnlyList<AnalysisTemplate> templates, IReadOnlyList<Core.Images.ImagePolicy> policies, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveApps, () => inner.SaveAppsAsync(changes, templates, policies, ct));

    public Task<IReadOnlyList<AnalysisTemplate>> ListTemplatesAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListTemplates, () => inner.ListTemplatesAsync(ct));

    public Task<bool> DeleteTemplateAsync(string name, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteTemplate, () => inner.DeleteTemplateAsync(name, ct));

    public Task<IReadOnlyList<ImagePolicyRecord>> ListImagePoliciesAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListImagePolicies, () => inner.ListImagePoliciesAsync(ct));

    public Task<bool> DeleteImagePolicyAsync(string name, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteImagePolicy, () => inner.DeleteImagePolicyAsync(name, ct));

    public Task<AnalysisRunRecord> CreateAnalysisRunAsync(string app, string environment, AnalysisRun run, CancellationToken ct) =>
        MeasureAsync(StoreOperation.CreateAnalysisRun, () => inner.CreateAnalysisRunAsync(app, environment, run, ct));

    public Task SaveAnalysisRunAsync(AnalysisRunRecord run, Measurement? measurement, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveAnalysisRun, () => inner.SaveAnalysisRunAsync(run, measurement, ct));

    public Task<IReadOnlyList<AnalysisRunRecord>> ListAnalysisRunsAsync(string app, string environment, int limit, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListAnalysisRuns, () => inner.ListAnalysisRunsAsync(app, environment, limit, ct));

    public Task<IReadOnlyList<AnalysisRunRecord>> ListUnfinishedAnalysisRunsAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListUnfinishedAnalysisRuns, () => inner.ListUnfinishedAnalysisRunsAsync(ct));

    public Task<IReadOnlyList<Measurement>> ListMeasurementsAsync(long runId, int perMetric, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListMeasurements, () => inner.ListMeasurementsAsync(runId, perMetric, ct));

    public Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(string? environment, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListSecrets, () => inner.ListSecretsAsync(environment, ct));

    public Task<IReadOnlyList<SecretValueRecord>> ListSecretValuesAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListSecretValues, () => inner.ListSecretValuesAsync(ct));

    public Task<bool> SaveSecretAsync(SecretRecord secret, int previousVersion, IReadOnlyList<SecretValueRecord> newValues, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveSecret, () => inner.SaveSecretAsync(secret, previousVersion, newValues, ct));

    public Task<SecretDeletion> DeleteSecretAsync(string environment, string name, bool force, string actor, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteSecret, () => inner.DeleteSecretAsync(environment, name, force, actor, ct));

    public Task<int> ReencryptSecretValuesAsync(IReadOnlyList<SecretValueRecord> values, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ReencryptSecretValues, () => inner.ReencryptSecretValuesAsync(values, ct));

    public Task SaveImageAsync(ImageRecord image, IReadOnlyList<ImagePackageRecord>? packages, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveImage, () => inner.SaveImageAsync(image, packages, ct));

    public Task<IReadOnlyList<ImageRecord>> ListImagesAsync(string? digest, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListImages, () => inner.ListImagesAsync(digest, ct));

    public Task<IReadOnlyList<ImagePackageRecord>> ListImagePackagesAsync(string digest, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListImagePackages, () => inner.ListImagePackagesAsync(digest, ct));

    public Task<IReadOnlyList<PackageUse>> FindPackageUsesAsync(string package, string? version, CancellationToken ct) =>
        MeasureAsync(StoreOperation.FindPackageUses, () => inner.FindPackageUsesAsync(package, version, ct));

    public Task<PromotionRecord> SavePromotionAsync(PromotionRecord promotion, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SavePromotion, () => inner.SavePromotionAsync(promotion, ct));

    public Task<IReadOnlyList<PromotionRecord>> ListPromotionsAsync(string? digest, int limit, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListPromotions, () => inner.ListPromotionsAsync(digest, limit, ct));

    public Task<bool> AddSigningKeyAsync(SigningKeyRecord key, CancellationToken ct) =>
        MeasureAsync(StoreOperation.AddSigningKey, () => inner.AddSigningKeyAsync(key, ct));

    public Task<IReadOnlyList<SigningKeyRecord>> ListSigningKeysAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListSigningKeys, () => inner.ListSigningKeysAsync(ct));

    public Task<bool> DeleteSigningKeyAsync(string name, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteSigningKey, () => inner.DeleteSigningKeyAsync(name, ct));

    public Task<int> ReencryptSigningKeysAsync(IReadOnlyList<SigningKeyRecord> keys, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ReencryptSigningKeys, () => inner.ReencryptSigningKeysAsync(keys, ct));

    public Task<VulnerabilityExceptionRecord> AddVulnerabilityExceptionAsync(VulnerabilityExceptionRecord exception, CancellationToken ct) =>
        MeasureAsync(StoreOperation.AddVulnerabilityException, () => inner.AddVulnerabilityExceptionAsync(exception, ct));

    public Task<IReadOnlyList<VulnerabilityExceptionRecord>> ListVulnerabilityExceptionsAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListVulnerabilityExceptions, () => inner.ListVulnerabilityExceptionsAsync(ct));

    public Task<bool> DeleteVulnerabilityExceptionAsync(long id, CancellationToken ct) =>
        MeasureAsync(StoreOperation.DeleteVulnerabilityException, () => inner.DeleteVulnerabilityExceptionAsync(id, ct));

    public Task<HookRunRecord> CreateHookRunAsync(string app, string environment, Core.Hooks.HookRun run, CancellationToken ct) =>
        MeasureAsync(StoreOperation.CreateHookRun, () => inner.CreateHookRunAsync(app, environment, run, ct));

    public Task<IReadOnlyList<HookRunRecord>> CreateEventHookRunsAsync(string app, string environment, string hook, IReadOnlyList<Core.Hooks.HookRun> runs, long deliveredThrough, CancellationToken ct) =>
        MeasureAsync(StoreOperation.CreateEventHookRuns, () => inner.CreateEventHookRunsAsync(app, environment, hook, runs, deliveredThrough, ct));

    public Task<long?> GetHookCursorAsync(string app, string environment, string hook, CancellationToken ct) =>
        MeasureAsync(StoreOperation.GetHookCursor, () => inner.GetHookCursorAsync(app, environment, hook, ct));

    public Task SaveHookRunAsync(HookRunRecord run, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SaveHookRun, () => inner.SaveHookRunAsync(run, ct));

    public Task<IReadOnlyList<HookRunRecord>> ListHookRunsAsync(string app, string environment, int limit, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListHookRuns, () => inner.ListHookRunsAsync(app, environment, limit, ct));

    public Task<IReadOnlyList<HookRunRecord>> ListUnfinishedHookRunsAsync(CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListUnfinishedHookRuns, () => inner.ListUnfinishedHookRunsAsync(ct));

    public Task<IReadOnlyList<HookRunRecord>> ListIrreversibleHookRunsAsync(string app, string environment, int? revision, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListIrreversibleHookRuns, () => inner.ListIrreversibleHookRunsAsync(app, environment, revision, ct));

    public Task<IReadOnlyList<EventRecord>> ListEventsAfterAsync(string app, string environment, long afterId, int limit, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListEventsAfter, () => inner.ListEventsAfterAsync(app, environment, afterId, limit, ct));

    public Task<IReadOnlyList<SloProgress>> ListSloProgressAsync(string app, string environment, CancellationToken ct) =>
        MeasureAsync(StoreOperation.ListSloProgress, () => inner.ListSloProgressAsync(app, environment, ct));

    public Task<int> RecordSloAsync(string app, string environment, IReadOnlyList<SloRecording> recordings, CancellationToken ct) =>
        MeasureAsync(StoreOperation.RecordSlo, () => inner.RecordSloAsync(app, environment, recordings, ct));

    public Task<IReadOnlyList<Core.Slo.SloCounts>> SumSloAsync(string app, string environment, string slo, IReadOnlyList<DateTimeOffset> from, CancellationToken ct) =>
        MeasureAsync(StoreOperation.SumSlo, () => inner.SumSloAsync(app, environment, slo, from, ct));

    public Task<int> PruneSloAsync(string app, string environment, DateTimeOffset before, CancellationToken ct) =>
        MeasureAsync(StoreOperation.PruneSlo, () => inner.PruneSloAsync(app, environment, before, ct));

    private async Task<T> MeasureAsync<T>(StoreOperation operation, Func<Task<T>> call)
    {
        var started = time.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            metrics.ObserveStoreOperation(operation, time.GetElapsedTime(started));
        }
    }

    private async Task MeasureAsync(StoreOperation operation, Func<Task> call)
    {
        var started = time.GetTimestamp();
        try
        {
            await call();
        }
        finally
        {
            metrics.ObserveStoreOperation(operation, time.GetElapsedTime(started));
        }
    }
}
