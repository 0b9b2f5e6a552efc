using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;

namespace Slipway.Server.Apply;

/// <summary>
/// What applying would change for one app×env (<c>POST /api/v1/diff</c>, <c>slipway diff</c>): whether it is new,
/// unchanged or changed, the revisions, and a unified diff of the spec the server holds against the one submitted —
/// both in their canonical form (<see cref="CanonicalSpec"/>), secrets masked (<see cref="SensitiveValues"/>).
/// </summary>
/// <param name="File">The file the document is in, as the request names it.</param>
/// <param name="CurrentRevision">The revision the server holds for the app×env; null for a new one.</param>
/// <param name="Revision">The revision it would run after the apply.</param>
/// <param name="RevisionCreated">The template is new: <paramref name="Revision"/> would be created.</param>
/// <param name="RolloutStarted">A rollout of <paramref name="Revision"/> would start (a template change, or an earlier
/// revision's template again); false when the app would only be updated in place.</param>
/// <param name="Diff">The unified diff; empty when nothing differs.</param>
public sealed record AppDiff(
    string App,
    string Environment,
    string File,
    AppDiffOutcome Outcome,
    int? CurrentRevision,
    int Revision,
    bool RevisionCreated,
    bool RolloutStarted,
    string Diff)
{
    internal static AppDiff Of(AppPlan plan)
    {
        var (app, env) = (plan.Applied.App, plan.Applied.Environment);
        var file = plan.Manifest.Source?.FileName ?? "(spec)";
        var current = plan.Current;
        var diff = SpecDiff.Compare(
            app,
            env,
            current?.Spec,
            current is null ? $"{app} ({env}): not on the server" : $"{app} ({env}) on the server, revision {current.DesiredRevision}",
            plan.Spec,
            $"{app} ({env}) in {file}");
        var outcome = current is null ? AppDiffOutcome.New : plan.Applied.Unchanged ? AppDiffOutcome.Unchanged : AppDiffOutcome.Changed;
        return new AppDiff(app, env, file, outcome, current?.DesiredRevision, plan.Applied.Revision, plan.Applied.RevisionCreated, plan.Applied.RolloutStarted, diff);
    }
}

/// <summary>Whether applying would create the app×env, leave it as it is, or change it.</summary>
public enum AppDiffOutcome
{
    New,
    Unchanged,
    Changed,
}

/// <summary>The answer of a diff: one <see cref="AppDiff"/> per document, or every error (as apply's), never both.</summary>
public sealed record DiffOutcome(IReadOnlyList<AppDiff> Diffs, IReadOnlyList<SpecError> Errors)
{
    public static DiffOutcome Rejected(IReadOnlyList<SpecError> errors) => new([], errors);

    public static DiffOutcome Compared(IReadOnlyList<AppDiff> diffs) => new(diffs, []);

    /// <summary>The preflight warnings of the releases applying would start, as apply's answer gives them.</summary>
    public IReadOnlyList<ApplyWarning> Warnings { get; init; } = [];
}
