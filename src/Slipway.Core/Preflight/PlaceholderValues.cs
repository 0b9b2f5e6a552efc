using System.Text.RegularExpressions;

namespace Slipway.Core.Preflight;

/// <summary>
/// Values that stand for a value someone meant to fill in and did not — the ones that start a release whose processes
/// "run" and fail every request. For a name of <c>requiredEnv</c>, such a value is as good as none.
/// </summary>
/// <remarks>
/// The rule (case does not matter; docs/spec.md says it too):
/// <list type="bullet">
/// <item>empty, or only whitespace;</item>
/// <item>the whole value, ignoring spaces around it and <c>_</c> or <c>-</c> inside it, is one of <see cref="Words"/>:
/// <c>OVERRIDE</c>, <c>CHANGEME</c> (<c>change_me</c>), <c>REPLACEME</c>, <c>TODO</c>, <c>TBD</c>, <c>FIXME</c>;</item>
/// <item>the whole value is in angle brackets: <c>&lt;your database url&gt;</c>;</item>
/// <item>anywhere in it, a reference a shell, Kubernetes or a template engine would have expanded and Slipway does
/// not: <c>${…}</c>, <c>$(…)</c>, <c>{{…}}</c> (<c>postgres://${DB_HOST}/app</c>).</item>
/// </list>
/// </remarks>
public static partial class PlaceholderValues
{
    /// <summary>Whole values that are placeholders, compared upper-cased without <c>_</c> and <c>-</c>.</summary>
    public static readonly IReadOnlyList<string> Words = ["OVERRIDE", "CHANGEME", "REPLACEME", "TODO", "TBD", "FIXME"];

    /// <summary>Why <paramref name="value"/> is a placeholder; null when it is a value.</summary>
    public static Placeholder? Find(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return new Placeholder(PlaceholderKind.Empty, value);
        }

        var folded = trimmed.ToUpperInvariant().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (Words.Contains(folded, StringComparer.Ordinal))
        {
            return new Placeholder(PlaceholderKind.Word, trimmed);
        }

        if (trimmed.Length > 2 && trimmed[0] == '<' && trimmed[^1] == '>')
        {
            return new Placeholder(PlaceholderKind.AngleBrackets, trimmed);
        }

        return Unexpanded().Match(value) is { Success: true } match
            ? new Placeholder(PlaceholderKind.Unexpanded, match.Value)
            : null;
    }

    [GeneratedRegex(@"\$\{[^}]*\}|\$\([^)]*\)|\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Unexpanded();
}

/// <summary>A placeholder found in a value: what kind, and the text that is one (the whole value, or the reference in it).</summary>
public sealed record Placeholder(PlaceholderKind Kind, string Text);

public enum PlaceholderKind
{
    /// <summary>Empty or whitespace.</summary>
    Empty,

    /// <summary>A word such as <c>CHANGEME</c>.</summary>
    Word,

    /// <summary><c>&lt;…&gt;</c>.</summary>
    AngleBrackets,

    /// <summary><c>${…}</c>, <c>$(…)</c> or <c>{{…}}</c> somewhere in the value.</summary>
    Unexpanded,
}
