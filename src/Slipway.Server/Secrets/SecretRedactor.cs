namespace Slipway.Server.Secrets;

/// <summary>
/// Takes known secret values out of text: every occurrence of a value becomes <c>[secret NAME/KEY]</c>. Built once from
/// the values (immutable, swapped whole when they change); matches are found in the original text in one pass and
/// replaced without overlaps, the longest value winning where two start at the same place, so a mark is never itself
/// redacted again.
/// </summary>
/// <remarks>
/// Values shorter than <see cref="MinimumLength"/> characters are left alone: "on", "1" or "dev" would turn most of a log
/// into marks and tell a reader which short words are secrets. A value of several lines (a PEM key) is also matched line
/// by line, since logs are read a line at a time. Only the exact text is recognised: a value an app transforms before
/// printing it (encoded, quoted, cut, upper-cased) is not.
/// </remarks>
internal sealed class SecretRedactor
{
    public const int MinimumLength = 4;

    public static readonly SecretRedactor Empty = new([]);

    // Longest first: where a value contains another, the longer one is matched.
    private readonly (string Value, string Mark)[] _patterns;

    private SecretRedactor((string Value, string Mark)[] patterns) => _patterns = patterns;

    /// <summary>How many distinct texts are looked for.</summary>
    public int Count => _patterns.Length;

    /// <summary>A redactor for <paramref name="values"/>: the first mark given for a text is the one shown.</summary>
    public static SecretRedactor For(IEnumerable<(string Value, string Mark)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var marks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, mark) in values)
        {
            foreach (var text in Texts(value))
            {
                marks.TryAdd(text, mark);
            }
        }

        return new SecretRedactor([.. marks.Select(m => (m.Key, m.Value)).OrderByDescending(p => p.Key.Length).ThenBy(p => p.Key, StringComparer.Ordinal)]);
    }

    public static string MarkFor(string name, string key) => $"[secret {name}/{key}]";

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_patterns.Length == 0 || text.Length < MinimumLength)
        {
            return text;
        }

        List<(int Start, int Length, string Mark)>? matches = null;
        foreach (var (value, mark) in _patterns)
        {
            for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
            {
                (matches ??= []).Add((at, value.Length, mark));
            }
        }

        if (matches is null)
        {
            return text;
        }

        // Earliest first, and at one place the longest: a match that overlaps one already taken is dropped.
        matches.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var result = new System.Text.StringBuilder(text.Length);
        var written = 0;
        foreach (var (start, length, mark) in matches)
        {
            if (start < written)
            {
                if (start + length > written)
                {
                    // It overlaps the previous one and goes beyond it: the rest is secret too.
                    written = start + length;
                }

                continue;
            }

            result.Append(text, written, start - written).Append(mark);
            written = start + length;
        }

        return result.Append(text, written, text.Length - written).ToString();
    }

    /// <summary>The value, and each line of a value of several lines: long enough ones only.</summary>
    private static IEnumerable<string> Texts(string value)
    {
        if (value.Length >= MinimumLength)
        {
            yield return value;
        }

        if (value.Contains('\n', StringComparison.Ordinal))
        {
            foreach (var line in value.Split('\n'))
            {
                var trimmed = line.TrimEnd('\r');
                if (trimmed.Length >= MinimumLength && trimmed != value)
                {
                    yield return trimmed;
                }
            }
        }
    }
}
