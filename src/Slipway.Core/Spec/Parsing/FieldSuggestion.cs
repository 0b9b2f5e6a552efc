namespace Slipway.Core.Spec.Parsing;

/// <summary>Finds the known field a misspelt one was probably meant to be ("did you mean …?").</summary>
public static class FieldSuggestion
{
    /// <summary>The closest candidate, or null when none is close enough to be a plausible typo.</summary>
    public static string? Closest(string unknown, IEnumerable<string> candidates)
    {
        var normalized = Normalize(unknown);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(normalized, Normalize(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        // Up to a third of the longer word may differ, and never fewer than 2 edits: "replica",
        // "percent", "pathprefix" and "timeoutSecond" are caught; "foo" is not turned into "port".
        var allowed = best is null ? 0 : Math.Max(2, Math.Max(normalized.Length, Normalize(best).Length) / 3);
        return best is not null && bestDistance <= allowed && bestDistance < normalized.Length ? best : null;
    }

    // Case and separators are the commonest slips (PathPrefix, path_prefix, path-prefix); they cost nothing.
    private static string Normalize(string name) =>
        new([.. name.Where(c => c is not '_' and not '-').Select(char.ToLowerInvariant)]);

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
