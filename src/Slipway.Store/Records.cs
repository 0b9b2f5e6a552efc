using Slipway.Core.Rollouts;
using Slipway.Core.Spec;

namespace Slipway.Store;

/// <summary>An app in one environment: the spec last applied (its template is the desired revision's).</summary>
public sealed record AppRecord(
    string App,
    string Environment,
    ApplicationSpec Spec,
    int DesiredRevision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>An immutable, numbered revision of an app×env and why it was made.</summary>
public sealed record RevisionRecord(
    string App,
    string Environment,
    int Number,
    InstanceTemplate Template,
    string TemplateHash,
    string ChangeCause,
    DateTimeOffset CreatedAt);

public sealed record EventRecord(
    long Id,
    string App,
    string Environment,
    int? Revision,
    DateTimeOffset Time,
    string Reason,
    string Message);

public sealed record NewEvent(int? Revision, string Reason, string Message);
