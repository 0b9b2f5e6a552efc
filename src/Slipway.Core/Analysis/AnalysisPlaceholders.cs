namespace Slipway.Core.Analysis;

/// <summary>
/// The placeholders that a provider's strings (a PromQL query, a URL, a header value, a job's arguments) may hold, as
/// Argo Rollouts writes them: <c>{{args.NAME}}</c>, spaces inside the braces allowed (<c>{{ args.service }}</c>), plus
/// the built-ins Slipway knows without a declaration (<see cref="BuiltIns"/>). They are found when a spec is
/// applied, so that a misspelt one is an error there, and replaced when an analysis run starts.
/// </summary>
internal static class AnalysisPlaceholders
{
    public const string ArgsPrefix = "args.";

    public const string App = "app";
    public const string Environment = "environment";
    public const string Revision = "revision";
    public const string StableRevision = "stableRevision";

    public static readonly IReadOnlyList<string> BuiltIns = [App, Environment, Revision, StableRevision];

    /// <summary>Every <c>{{…}}</c> of <paramref name="text"/>, in order; an unclosed one ends the list.</summary>
    public static IReadOnlyList<Placeholder> Find(string text)
    {
        var found = new List<Placeholder>();
        for (var open = text.IndexOf("{{", StringComparison.Ordinal); open >= 0; open = text.IndexOf("{{", open, StringComparison.Ordinal))
        {
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                found.Add(new Placeholder(open, text.Length - open, "", PlaceholderKind.Unclosed));
                break;
            }

            var inner = text[(open + 2)..close].Trim();
            var length = close + 2 - open;
            found.Add(
                inner.StartsWith(ArgsPrefix, StringComparison.Ordinal) && inner.Length > ArgsPrefix.Length
                    ? new Placeholder(open, length, inner[ArgsPrefix.Length..], PlaceholderKind.Arg)
                    : BuiltIns.Contains(inner, StringComparer.Ordinal)
                        ? new Placeholder(open, length, inner, PlaceholderKind.BuiltIn)
                        : new Placeholder(open, length, inner, PlaceholderKind.Unknown));
            open = close + 2;
        }

        return found;
    }

    /// <summary>The argument names <paramref name="text"/> uses, in order of first use.</summary>
    public static IEnumerable<string> ArgsUsed(string text) =>
        Find(text).Where(p => p.Kind == PlaceholderKind.Arg).Select(p => p.Name).Distinct(StringComparer.Ordinal);

    /// <summary><paramref name="text"/> with each placeholder replaced by what <paramref name="value"/> gives for it
    /// (left as written when it gives null).</summary>
    public static string Replace(string text, Func<Placeholder, string?> value)
    {
        var placeholders = Find(text);
        if (placeholders.Count == 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var from = 0;
        foreach (var placeholder in placeholders)
        {
            result.Append(text, from, placeholder.Offset - from);
            result.Append(value(placeholder) ?? text.Substring(placeholder.Offset, placeholder.Length));
            from = placeholder.Offset + placeholder.Length;
        }

        return result.Append(text, from, text.Length - from).ToString();
    }
}
