namespace Slipway.Docker.Lint;

/// <summary>Every finding of one build's lint, warnings and failures; the build fails when one finding fails.</summary>
public sealed record LintReport(IReadOnlyList<LintFinding> Findings)
{
    public bool Failed => Findings.Any(f => f.Level == LintLevel.Fail);

    public IEnumerable<LintFinding> Failures => Findings.Where(f => f.Level == LintLevel.Fail);

    public IEnumerable<string> Format(string dockerfile) => Findings.Select(f => f.Format(dockerfile));
}
