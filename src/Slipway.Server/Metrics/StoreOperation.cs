namespace Slipway.Server.Metrics;

/// <summary>
/// One kind of store call, as <c>slipway_store_operations_total{operation,kind}</c> names it: the <see cref="Slipway.Store.IStore"/>
/// method in snake case, and whether it writes. Listed here so that every series exists, at zero, from the first scrape:
/// a rate over a series that appears only with its first call misses that call.
/// </summary>
/// <param name="Name">The <c>operation</c> label: the method's name without <c>Async</c>, in snake case.</param>
/// <param name="Writes">The <c>kind</c> label: <c>write</c> when the call changes the store, <c>read</c> otherwise.</param>
internal sealed record StoreOperation(string Name, bool Writes)
{
    public static readonly StoreOperation ListApps = new("list_apps", Writes: false);
    public static readonly StoreOperation GetApp = new("get_app", Writes: false);
    public static readonly StoreOperation ListRevisions = new("list_revisions", Writes: false);
    public static readonly StoreOperation GetStatus = new("get_status", Writes: false);
    public static readonly StoreOperation ListEvents = new("list_events", Writes: false);
    public static readonly StoreOperation ListRevisionSummaries = new("list_revision_summaries", Writes: false);
    public static readonly StoreOperation SaveApp = new("save_app", Writes: true);
    public static readonly StoreOperation SaveApps = new("save_apps", Writes: true);
    public static readonly StoreOperation DeleteApp = new("delete_app", Writes: true);
    public static readonly StoreOperation SaveStatus = new("save_status", Writes: true);
    public static readonly StoreOperation DeleteRevisions = new("delete_revisions", Writes: true);
    public static readonly StoreOperation ListTemplates = new("list_templates", Writes: false);
    public static readonly StoreOperation DeleteTemplate = new("delete_template", Writes: true);
    public static readonly StoreOperation CreateAnalysisRun = new("create_analysis_run", Writes: true);
    public static readonly StoreOperation SaveAnalysisRun = new("save_analysis_run", Writes: true);
    public static readonly StoreOperation ListAnalysisRuns = new("list_analysis_runs", Writes: false);
    public static readonly StoreOperation ListUnfinishedAnalysisRuns = new("list_unfinished_analysis_runs", Writes: false);
    public static readonly StoreOperation ListMeasurements = new("list_measurements", Writes: false);
    public static readonly StoreOperation ListSecrets = new("list_secrets", Writes: false);
    public static readonly StoreOperation ListSecretValues = new("list_secret_values", Writes: false);
    public static readonly StoreOperation SaveSecret = new("save_secret", Writes: true);
    public static readonly StoreOperation DeleteSecret = new("delete_secret", Writes: true);
    public static readonly StoreOperation ReencryptSecretValues = new("reencrypt_secret_values", Writes: true);
    public static readonly StoreOperation SaveImage = new("save_image", Writes: true);
    public static readonly StoreOperation ListImages = new("list_images", Writes: false);
    public static readonly StoreOperation ListImagePackages = new("list_image_packages", Writes: false);
    public static readonly StoreOperation FindPackageUses = new("find_package_uses", Writes: false);
    public static readonly StoreOperation SavePromotion = new("save_promotion", Writes: true);
    public static readonly StoreOperation ListPromotions = new("list_promotions", Writes: false);
    public static readonly StoreOperation AddSigningKey = new("add_signing_key", Writes: true);
    public static readonly StoreOperation ListSigningKeys = new("list_signing_keys", Writes: false);
    public static readonly StoreOperation DeleteSigningKey = new("delete_signing_key", Writes: true);
    public static readonly StoreOperation ReencryptSigningKeys = new("reencrypt_signing_keys", Writes: true);
    public static readonly StoreOperation AddVulnerabilityException = new("add_vulnerability_exception", Writes: true);
    public static readonly StoreOperation ListVulnerabilityExceptions = new("list_vulnerability_exceptions", Writes: false);
    public static readonly StoreOperation DeleteVulnerabilityException = new("delete_vulnerability_exception", Writes: true);
    public static readonly StoreOperation ListImagePolicies = new("list_image_policies", Writes: false);
    public static readonly StoreOperation DeleteImagePolicy = new("delete_image_policy", Writes: true);
    public static readonly StoreOperation CreateHookRun = new("create_hook_run", Writes: true);
    public static readonly StoreOperation CreateEventHookRuns = new("create_event_hook_runs", Writes: true);
    public static readonly StoreOperation GetHookCursor = new("get_hook_cursor", Writes: false);
    public static readonly StoreOperation SaveHookRun = new("save_hook_run", Writes: true);
    public static readonly StoreOperation ListHookRuns = new("list_hook_runs", Writes: false);
    public static readonly StoreOperation ListUnfinishedHookRuns = new("list_unfinished_hook_runs", Writes: false);
    public static readonly StoreOperation ListIrreversibleHookRuns = new("list_irreversible_hook_runs", Writes: false);
    public static readonly StoreOperation ListEventsAfter = new("list_events_after", Writes: false);
    public static readonly StoreOperation ListSloProgress = new("list_slo_progress", Writes: false);
    public static readonly StoreOperation RecordSlo = new("record_slo", Writes: true);
    public static readonly StoreOperation SumSlo = new("sum_slo", Writes: false);
    public static readonly StoreOperation PruneSlo = new("prune_slo", Writes: true);

    /// <summary>Every operation of <see cref="Slipway.Store.IStore"/>; a method added there gets one here and one in <see cref="InstrumentedStore"/>.</summary>
    public static IReadOnlyList<StoreOperation> All { get; } =
        [
            ListApps, GetApp, ListRevisions, GetStatus, ListEvents, ListRevisionSummaries, SaveApp, SaveApps, DeleteApp, SaveStatus, DeleteRevisions,
            ListTemplates, DeleteTemplate, CreateAnalysisRun, SaveAnalysisRun, ListAnalysisRuns, ListUnfinishedAnalysisRuns, ListMeasurements,
            ListSecrets, ListSecretValues, SaveSecret, DeleteSecret, ReencryptSecretValues,
            SaveImage, ListImages, ListImagePackages, FindPackageUses, SavePromotion, ListPromotions, AddSigningKey, ListSigningKeys, DeleteSigningKey, ReencryptSigningKeys, AddVulnerabilityException, ListVulnerabilityExceptions, DeleteVulnerabilityException,
            ListImagePolicies, DeleteImagePolicy,
            CreateHookRun, CreateEventHookRuns, GetHookCursor, SaveHookRun, ListHookRuns, ListUnfinishedHookRuns, ListIrreversibleHookRuns, ListEventsAfter,
            ListSloProgress, RecordSlo, SumSlo, PruneSlo,
        ];

    /// <summary>The <c>kind</c> label.</summary>
    public string Kind => Writes ? "write" : "read";
}
