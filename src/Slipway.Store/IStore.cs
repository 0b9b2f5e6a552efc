using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;

namespace Slipway.Store;

/// <summary>
/// Slipway's persistence. Every write that belongs together is one call and one transaction, so a
/// crash never leaves half of it. SQLite implements it today; PostgreSQL will implement it for HA.
/// </summary>
public interface IStore
{
    Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct);

    Task<AppRecord?> GetAppAsync(string app, string environment, CancellationToken ct);

    Task<IReadOnlyList<RevisionRecord>> ListRevisionsAsync(string app, string environment, CancellationToken ct);

    /// <summary>
    /// Every revision of every app×env, without its template: the one read housekeeping needs (revisions per app×env,
    /// artifact digests still named, revisions whose logs may go), whatever the number of apps.
    /// </summary>
    Task<IReadOnlyList<RevisionSummary>> ListRevisionSummariesAsync(CancellationToken ct);

    /// <summary>
    /// Deletes revisions the history limit lets go (<see cref="Core.Rollouts.RevisionRetention"/>), in one transaction.
    /// Never the app×env's desired revision, whatever is asked. Returns how many were deleted.
    /// </summary>
    Task<int> DeleteRevisionsAsync(string app, string environment, IReadOnlyCollection<int> numbers, CancellationToken ct);

    Task<RolloutStatus> GetStatusAsync(string app, string environment, CancellationToken ct);

    /// <summary>The newest <paramref name="limit"/> events of the app×env, oldest first; the store keeps a bounded number (<see cref="StoreOptions.EventsPerApp"/>).</summary>
    Task<IReadOnlyList<EventRecord>> ListEventsAsync(string app, string environment, int limit, CancellationToken ct);

    /// <summary>Saves the app, a new revision when there is one, the rollout status and events, atomically.</summary>
    Task SaveAppAsync(AppRecord app, RevisionRecord? newRevision, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct);

    /// <summary>Saves several apps (the documents of one file) in one transaction: all of them or none.</summary>
    Task SaveAppsAsync(IReadOnlyList<AppChange> changes, CancellationToken ct);

    /// <summary>Saves an apply whole: its apps and the analysis templates applied with them, in one transaction.</summary>
    Task SaveAppsAsync(IReadOnlyList<AppChange> changes, IReadOnlyList<AnalysisTemplate> templates, CancellationToken ct);

    /// <summary>
    /// Saves an apply whole: its apps, the analysis templates and the image policies applied with them, in one
    /// transaction (a policy applied again unchanged keeps its <see cref="ImagePolicyRecord.UpdatedAt"/>).
    /// </summary>
    Task SaveAppsAsync(IReadOnlyList<AppChange> changes, IReadOnlyList<AnalysisTemplate> templates, IReadOnlyList<Core.Images.ImagePolicy> policies, CancellationToken ct);

    Task<IReadOnlyList<AnalysisTemplate>> ListTemplatesAsync(CancellationToken ct);

    /// <summary>Deletes a template; false when there was none of that name. Runs that used it keep their copy.</summary>
    Task<bool> DeleteTemplateAsync(string name, CancellationToken ct);

    /// <summary>Every image policy, by name, with when what it requires last changed.</summary>
    Task<IReadOnlyList<ImagePolicyRecord>> ListImagePoliciesAsync(CancellationToken ct);

    /// <summary>Deletes an image policy; false when there was none of that name. Its environments then ask what the others ask.</summary>
    Task<bool> DeleteImagePolicyAsync(string name, CancellationToken ct);

    /// <summary>
    /// Stores a new run of the app×env, or returns the one already stored under the same key (a pass that asked for
    /// it again after a crash finds it where it was). Older finished runs beyond the bound are deleted.
    /// </summary>
    Task<AnalysisRunRecord> CreateAnalysisRunAsync(string app, string environment, AnalysisRun run, CancellationToken ct);

    /// <summary>Saves a run's new state and the measurement that made it, atomically; old measurements beyond the bound go.</summary>
    Task SaveAnalysisRunAsync(AnalysisRunRecord run, Measurement? measurement, CancellationToken ct);

    /// <summary>The app×env's newest runs, newest first.</summary>
    Task<IReadOnlyList<AnalysisRunRecord>> ListAnalysisRunsAsync(string app, string environment, int limit, CancellationToken ct);

    /// <summary>Every run not finished, of every app×env: what a starting server resumes.</summary>
    Task<IReadOnlyList<AnalysisRunRecord>> ListUnfinishedAnalysisRunsAsync(CancellationToken ct);

    /// <summary>The newest <paramref name="perMetric"/> measurements of each metric of a run, oldest first.</summary>
    Task<IReadOnlyList<Measurement>> ListMeasurementsAsync(long runId, int perMetric, CancellationToken ct);

    /// <summary>
    /// Stores a new hook run of the app×env, or returns the one already stored under the same key (a pass that asked
    /// for it again, after a crash or a restart, finds it where it was). Older finished runs beyond the bound
    /// (<see cref="StoreOptions.HookRunsPerApp"/>) are deleted, never a succeeded irreversible one of a kept revision.
    /// </summary>
    Task<HookRunRecord> CreateHookRunAsync(string app, string environment, Core.Hooks.HookRun run, CancellationToken ct);

    /// <summary>
    /// Stores the runs of an event hook for new events and moves its cursor to <paramref name="deliveredThrough"/>,
    /// atomically, so that an event is neither lost nor given two runs. Returns the runs as stored.
    /// </summary>
    Task<IReadOnlyList<HookRunRecord>> CreateEventHookRunsAsync(string app, string environment, string hook, IReadOnlyList<Core.Hooks.HookRun> runs, long deliveredThrough, CancellationToken ct);

    /// <summary>The id of the last event an event hook has runs for; null before its first.</summary>
    Task<long?> GetHookCursorAsync(string app, string environment, string hook, CancellationToken ct);

    /// <summary>Saves a hook run's new state (an attempt started or ended).</summary>
    Task SaveHookRunAsync(HookRunRecord run, CancellationToken ct);

    /// <summary>The app×env's newest hook runs, newest first.</summary>
    Task<IReadOnlyList<HookRunRecord>> ListHookRunsAsync(string app, string environment, int limit, CancellationToken ct);

    /// <summary>Every hook run not finished, of every app×env, oldest first: what a starting server resumes.</summary>
    Task<IReadOnlyList<HookRunRecord>> ListUnfinishedHookRunsAsync(CancellationToken ct);

    /// <summary>
    /// The runs of irreversible hooks that succeeded for <paramref name="revision"/> of the app×env (every revision's
    /// when null), oldest first: what a rollback past that revision cannot undo. Kept as long as their revision is.
    /// </summary>
    Task<IReadOnlyList<HookRunRecord>> ListIrreversibleHookRunsAsync(string app, string environment, int? revision, CancellationToken ct);

    /// <summary>The app×env's events after event <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<EventRecord>> ListEventsAfterAsync(string app, string environment, long afterId, int limit, CancellationToken ct);

    /// <summary>Forgets an app×env: its spec, revisions, status, events, analysis runs and hook runs. Its instances are then stopped by the reconciler.</summary>
    Task DeleteAppAsync(string app, string environment, CancellationToken ct);

    /// <summary>Saves the rollout status and events of one app×env, atomically.</summary>
    Task SaveStatusAsync(string app, string environment, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct);

    /// <summary>
    /// The secrets of <paramref name="environment"/> (null: of every environment), by name; deleted ones too
    /// (<see cref="SecretRecord.Deleted"/>, no keys), so that a secret set again goes on with its version numbers.
    /// </summary>
    Task<IReadOnlyList<SecretRecord>> ListSecretsAsync(string? environment, CancellationToken ct);

    /// <summary>Every kept value of every secret (ciphertext): what the server decrypts at start and re-encrypts under a new key.</summary>
    Task<IReadOnlyList<SecretValueRecord>> ListSecretValuesAsync(CancellationToken ct);

    /// <summary>
    /// Saves a new version of a secret with the values set at it, in one transaction that also deletes the values nothing
    /// needs any more (neither current nor pinned by a revision or desired spec of the environment). Saves nothing and
    /// returns false when the stored version is not <paramref name="previousVersion"/> (0: none): another change came first.
    /// </summary>
    Task<bool> SaveSecretAsync(SecretRecord secret, int previousVersion, IReadOnlyList<SecretValueRecord> newValues, CancellationToken ct);

    /// <summary>
    /// Deletes a secret and all its values, in one transaction; refused (nothing deleted) while a desired spec of an app
    /// of the environment refers to it, unless <paramref name="force"/>.
    /// </summary>
    Task<SecretDeletion> DeleteSecretAsync(string environment, string name, bool force, string actor, CancellationToken ct);

    /// <summary>
    /// Replaces the ciphertext of the values given (a new master key), all in one transaction: every value is then under
    /// the new key, or (a crash) none is. A value deleted meanwhile is skipped. Returns how many were replaced.
    /// </summary>
    Task<int> ReencryptSecretValuesAsync(IReadOnlyList<SecretValueRecord> values, CancellationToken ct);

    /// <summary>How far each SLO's history of the app×env goes (Unix seconds).</summary>
    Task<IReadOnlyList<SloProgress>> ListSloProgressAsync(string app, string environment, CancellationToken ct);

    /// <summary>
    /// Adds seconds the router counted to SLO histories, per minute, and moves each history's end on; seconds at or
    /// before an SLO's end are ignored, so the same seconds recorded twice count once. One transaction. Returns how many
    /// seconds were added.
    /// </summary>
    Task<int> RecordSloAsync(string app, string environment, IReadOnlyList<SloRecording> recordings, CancellationToken ct);

    /// <summary>Good and total requests of an SLO from each of <paramref name="from"/> to now (whole minutes), in that order.</summary>
    Task<IReadOnlyList<Core.Slo.SloCounts>> SumSloAsync(string app, string environment, string slo, IReadOnlyList<DateTimeOffset> from, CancellationToken ct);

    /// <summary>Deletes the app×env's SLO history older than <paramref name="before"/> (whole minutes, and hours whose last
    /// minute is older); returns the minutes deleted.</summary>
    Task<int> PruneSloAsync(string app, string environment, DateTimeOffset before, CancellationToken ct);

    /// <summary>Records an image by digest (tags merged with those known); with <paramref name="packages"/>, replaces the
    /// packages its SBOM lists.</summary>
    Task SaveImageAsync(ImageRecord image, IReadOnlyList<ImagePackageRecord>? packages, CancellationToken ct);

    /// <summary>The images recorded (with <paramref name="digest"/>, those with that digest, in every repository), newest first.</summary>
    Task<IReadOnlyList<ImageRecord>> ListImagesAsync(string? digest, CancellationToken ct);

    Task<IReadOnlyList<ImagePackageRecord>> ListImagePackagesAsync(string digest, CancellationToken ct);

    /// <summary>The stored revisions whose image carries the package (at the version, when given).</summary>
    Task<IReadOnlyList<PackageUse>> FindPackageUsesAsync(string package, string? version, CancellationToken ct);

    /// <summary>Records a promotion; returns it with its id.</summary>
    Task<PromotionRecord> SavePromotionAsync(PromotionRecord promotion, CancellationToken ct);

    /// <summary>Promotions, newest first (with <paramref name="digest"/>, those from or to it).</summary>
    Task<IReadOnlyList<PromotionRecord>> ListPromotionsAsync(string? digest, int limit, CancellationToken ct);

    /// <summary>Adds a key; false when one of that name exists (it is never replaced: signatures name it).</summary>
    Task<bool> AddSigningKeyAsync(SigningKeyRecord key, CancellationToken ct);

    Task<IReadOnlyList<SigningKeyRecord>> ListSigningKeysAsync(CancellationToken ct);

    Task<bool> DeleteSigningKeyAsync(string name, CancellationToken ct);

    /// <summary>
    /// Replaces the encrypted private keys (and the master key ids) of the named signing keys, in one transaction: the
    /// signing keys' part of a master key rotation. Returns how many were replaced; a key deleted meanwhile is skipped.
    /// </summary>
    Task<int> ReencryptSigningKeysAsync(IReadOnlyList<SigningKeyRecord> keys, CancellationToken ct);

    /// <summary>Records an exception to the vulnerability gate; returns it with its id.</summary>
    Task<VulnerabilityExceptionRecord> AddVulnerabilityExceptionAsync(VulnerabilityExceptionRecord exception, CancellationToken ct);

    /// <summary>Every exception, expired ones included (the gate says when one has expired).</summary>
    Task<IReadOnlyList<VulnerabilityExceptionRecord>> ListVulnerabilityExceptionsAsync(CancellationToken ct);

    Task<bool> DeleteVulnerabilityExceptionAsync(long id, CancellationToken ct);
}
