namespace Slipway.Docker.Lint;

/// <summary>One thing the lint found, at the Dockerfile line it comes from when there is one.</summary>
public sealed record LintFinding(LintRule Rule, LintLevel Level, string Message, int? Line = null)
{
    /// <summary>As a compiler would print it: <c>Dockerfile:12: fail: SecretName: …</c>.</summary>
    public string Format(string dockerfile) =>
        $"{dockerfile}{(Line is { } line ? $":{line}" : "")}: {Level.ToString().ToLowerInvariant()}: {Rule}: {Message}";
}
