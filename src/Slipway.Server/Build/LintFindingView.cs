using Slipway.Docker.Lint;

namespace Slipway.Server.Build;

/// <summary>One finding of the image-policy lint.</summary>
/// <param name="Rule"><c>RunsAsRoot</c>, <c>UnpinnedBase</c>, <c>SecretName</c> or <c>ImageSize</c>.</param>
/// <param name="Level"><c>warn</c> or <c>fail</c>.</param>
/// <param name="Line">The Dockerfile line it comes from; null when none (the user, the size, the base's env).</param>
/// <param name="Text">As a compiler prints it: <c>Dockerfile:3: fail: SecretName: …</c>.</param>
public sealed record LintFindingView(string Rule, string Level, int? Line, string Message, string Text)
{
    public static LintFindingView Of(LintFinding finding, string dockerfile)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new(finding.Rule.ToString(), finding.Level.ToString().ToLowerInvariant(), finding.Line, finding.Message, finding.Format(dockerfile));
    }
}
