using Slipway.Core.Spec;

namespace Slipway.Server.Apply;

/// <summary>
/// The body of <c>POST /api/v1/apply</c>, <c>/validate</c> and <c>/diff</c>: one spec file (<see cref="FileName"/>,
/// <see cref="Content"/>, <see cref="BaseDirectory"/>, the original form), or several applied as one unit
/// (<see cref="Files"/>) — never both.
/// </summary>
/// <param name="FileName">How errors name the file (the path the user gave).</param>
/// <param name="Content">The file's text.</param>
/// <param name="BaseDirectory">What relative <c>artifact.path</c>s are resolved against (the file's directory).</param>
/// <param name="Environment">The environment asked for (<c>slipway apply -e</c>), if any: documents without
/// <c>metadata.environment</c> deploy there; a document naming another environment is refused. For every file.</param>
/// <param name="Files">Several files, applied all or nothing (<c>slipway apply -f DIR</c>, <c>-f a -f b</c>).</param>
public sealed record ApplyRequest(
    string? FileName,
    string? Content,
    string? BaseDirectory,
    string? Environment = null,
    IReadOnlyList<SpecFileContent>? Files = null)
{
    /// <summary>
    /// Who forces an apply that rolls an older revision out again past an irreversible change, and why (recorded);
    /// without it such an apply is refused.
    /// </summary>
    public Core.Rollouts.RollbackOverride? Force { get; init; }

    /// <summary>
    /// Start the rollouts of this apply even where the error budget burns too fast (<c>--override-error-budget</c>):
    /// who and why, recorded as an event on each app×env it let through. Without it, such an apply is refused whole.
    /// </summary>
    public Core.Slo.ErrorBudgetOverride? OverrideErrorBudget { get; init; }

    /// <summary>A request of several files.</summary>
    public static ApplyRequest Of(IReadOnlyList<SpecFileContent> files, string? environment = null) => new(null, null, null, environment, files);

    /// <summary>
    /// The files of the request, in order; call <see cref="Problem"/> first (a malformed request has none). A method,
    /// not a property, so that it is never sent as a field of its own.
    /// </summary>
    public IReadOnlyList<SpecFileContent> AllFiles() =>
        Files ?? (FileName is not null && Content is not null && BaseDirectory is not null ? [new SpecFileContent(FileName, Content, BaseDirectory)] : []);

    /// <summary>Why the body is not a request at all (the API answers 400); null when it is one.</summary>
    public string? Problem()
    {
        if (Force is { } force && (string.IsNullOrWhiteSpace(force.Reason) || string.IsNullOrWhiteSpace(force.Actor)))
        {
            return "force needs an actor and a reason: {\"actor\": \"who\", \"reason\": \"why the rollback is safe\"}; both are recorded";
        }

        if (OverrideErrorBudget?.Problem() is { } overrideProblem)
        {
            return overrideProblem;
        }

        if (Files is not null)
        {
            if (FileName is not null || Content is not null || BaseDirectory is not null)
            {
                return "give either fileName, content and baseDirectory (one file) or files (several), not both";
            }

            if (Files.Count == 0)
            {
                return "files is empty: give at least one {fileName, content, baseDirectory}";
            }

            for (var i = 0; i < Files.Count; i++)
            {
                if (Files[i] is not { FileName: not null, Content: not null, BaseDirectory: not null })
                {
                    return $"files[{i}] lacks fileName, content or baseDirectory: each file needs all three";
                }
            }

            return null;
        }

        return FileName is null || Content is null || BaseDirectory is null
            ? "the body needs fileName, content and baseDirectory (one file), or files: [{fileName, content, baseDirectory}, …]"
            : null;
    }
}
