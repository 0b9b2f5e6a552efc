using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Store;

/// <summary>An app in one environment: the spec last applied (its template is the desired revision's).</summary>
/// <param name="Uid">Made when the app×env is first applied and never reused: a deleted app's revisions and instances
/// can never be mistaken for those of a new app with the same name.</param>
public sealed record AppRecord(
    string App,
    string Environment,
    string Uid,
    ApplicationSpec Spec,
    int DesiredRevision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static string NewUid() => Guid.NewGuid().ToString("N");
}

/// <summary>An immutable, numbered revision of an app×env and why it was made.</summary>
public sealed record RevisionRecord(
    string App,
    string Environment,
    int Number,
    InstanceTemplate Template,
    string TemplateHash,
    string ChangeCause,
    DateTimeOffset CreatedAt);

/// <summary>A revision without its template: what housekeeping reads of every revision of every app at once.</summary>
/// <param name="ArtifactDigest">The digest of its artifact copy; null for a revision made before artifacts were copied.</param>
public sealed record RevisionSummary(string App, string Environment, int Number, string? ArtifactDigest);

public sealed record EventRecord(
    long Id,
    string App,
    string Environment,
    int? Revision,
    DateTimeOffset Time,
    string Reason,
    string Message);

public sealed record NewEvent(int? Revision, string Reason, string Message);

/// <summary>One app×env's part of an apply: the app, its new revision when there is one, its rollout status and events.</summary>
public sealed record AppChange(AppRecord App, RevisionRecord? NewRevision, RolloutStatus Status, IReadOnlyList<NewEvent> Events);

/// <summary>A stored analysis run of an app×env; <see cref="Id"/> names it in the API and its measurements.</summary>
public sealed record AnalysisRunRecord(long Id, string App, string Environment, AnalysisRun Run);

/// <summary>A stored hook run of an app×env; <see cref="Id"/> names it in the API.</summary>
public sealed record HookRunRecord(long Id, string App, string Environment, Core.Hooks.HookRun Run);
