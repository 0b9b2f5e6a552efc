using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The path to one value in a JSON document, in the JSONPath subset that a measurement needs: members and array
/// indexes from the root. Written as Argo's <c>web</c> provider writes it (<c>{$.data.ok}</c>, a Kubernetes JSONPath
/// template) or as plain JSONPath (<c>$.data.ok</c>, <c>$.items[0].value</c>, <c>$['odd.name']</c>, <c>$.items[-1]</c>
/// for the last item); <c>$</c> alone is the whole document. Wildcards, filters, slices and recursive descent select
/// many values, and a condition reads one, so they are refused when the path is parsed.
/// </summary>
/// <remarks>A hand-written reader: no JSONPath library restores from the package mirror this project builds with,
/// and this subset is a few dozen lines.</remarks>
internal sealed class JsonValuePath
{
    private readonly IReadOnlyList<Segment> _segments;

    private JsonValuePath(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    /// <summary>The path, or null and why not, with the 0-based position of the problem in <paramref name="text"/>.</summary>
    public static JsonValuePath? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        var start = 0;
        var end = text.Length;
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        // Argo's (Kubernetes') template form: {$.data.ok} or {.data.ok}.
        if (start < end && text[start] == '{')
        {
            if (text[end - 1] != '}')
            {
                error = $"position {end - 1}: a path that starts with '{{' must end with '}}'";
                return null;
            }

            start++;
            end--;
        }

        var segments = new List<Segment>();
        var i = start;
        if (i < end && text[i] == '$')
        {
            i++;
        }
        else if (i < end && text[i] is not ('.' or '['))
        {
            // A bare first name (data.ok) reads as .data.ok.
            i = ReadName(text, i, end, segments, out error);
        }

        while (error is null && i < end)
        {
            i = text[i] switch
            {
                '.' when i + 1 < end && text[i + 1] == '.' => Fail(i, "recursive descent (..) selects many values; give the full path to one", out error),
                '.' => ReadName(text, i + 1, end, segments, out error),
                '[' => ReadBracket(text, i, end, segments, out error),
                _ => Fail(i, $"expected '.' or '[' but found '{text[i]}'", out error),
            };
        }

        return error is null ? new JsonValuePath(text, segments) : null;
    }

    /// <summary>The value at this path in <paramref name="root"/>, or false and which step of the path found nothing.</summary>
    public bool TryRead(JsonElement root, out JsonElement value, out string? error)
    {
        value = root;
        error = null;
        var at = new StringBuilder("$");
        foreach (var segment in _segments)
        {
            if (segment is Member member)
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    error = $"{at} is {Describe(value)}, not an object: it has no \"{member.Name}\"";
                    return false;
                }

                if (!value.TryGetProperty(member.Name, out var next))
                {
                    error = $"{at} has no \"{member.Name}\"{Members(value)}";
                    return false;
                }

                value = next;
            }
            else if (segment is Index index)
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    error = $"{at} is {Describe(value)}, not an array: it has no [{index.Position}]";
                    return false;
                }

                var length = value.GetArrayLength();
                var position = index.Position < 0 ? length + index.Position : index.Position;
                if (position < 0 || position >= length)
                {
                    error = $"{at} has {length} item{(length == 1 ? "" : "s")}: there is no [{index.Position}]";
                    return false;
                }

                value = value[position];
            }

            at.Append(segment);
        }

        return true;
    }

    public override string ToString() => Text;

    private static int ReadName(string text, int i, int end, List<Segment> segments, out string? error)
    {
        var start = i;
        while (i < end && text[i] is not ('.' or '['))
        {
            i++;
        }

        var name = text[start..i];
        if (name.Length == 0)
        {
            return Fail(start, "a member name is missing", out error);
        }

        if (name == "*")
        {
            return Fail(start, "a wildcard (*) selects many values; name one member", out error);
        }

        error = null;
        segments.Add(new Member(name));
        return i;
    }

    private static int ReadBracket(string text, int i, int end, List<Segment> segments, out string? error)
    {
        var open = i;
        i++;
        if (i < end && text[i] is '\'' or '"')
        {
            var quote = text[i];
            var name = new StringBuilder();
            i++;
            while (i < end && text[i] != quote)
            {
                if (text[i] == '\\' && i + 1 < end)
                {
                    i++;
                }

                name.Append(text[i]);
                i++;
            }

            if (i + 1 >= end || text[i + 1] != ']')
            {
                return Fail(open, $"[{quote}… is not closed by {quote}]", out error);
            }

            error = null;
            segments.Add(new Member(name.ToString()));
            return i + 2;
        }

        var close = text.IndexOf(']', i, end - i);
        if (close < 0)
        {
            return Fail(open, "'[' is not closed by ']'", out error);
        }

        var inside = text[i..close].Trim();
        if (!int.TryParse(inside, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var position))
        {
            return Fail(open, $"[{inside}] is not an index: only [N], [-N] (from the end) and ['name'] select one value "
                + "(wildcards, filters and slices select many)", out error);
        }

        error = null;
        segments.Add(new Index(position));
        return close + 1;
    }

    private static int Fail(int position, string message, out string? error)
    {
        error = $"position {position}: {message}";
        return int.MaxValue;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };

    /// <summary>The object's first member names, so that a misspelt path shows what is there.</summary>
    private static string Members(JsonElement value)
    {
        var names = value.EnumerateObject().Select(p => $"\"{p.Name}\"").Take(11).ToList();
        return names.Count == 0 ? " (it is an empty object)" : $" (it has {string.Join(", ", names.Take(10))}{(names.Count > 10 ? " …" : "")})";
    }

    private abstract record Segment;

    private sealed record Member(string Name) : Segment
    {
        public override string ToString() => Name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-') && Name.Length > 0
            ? "." + Name
            : $"['{Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
    }

    private sealed record Index(int Position) : Segment
    {
        public override string ToString() => $"[{Position.ToString(CultureInfo.InvariantCulture)}]";
    }
}
