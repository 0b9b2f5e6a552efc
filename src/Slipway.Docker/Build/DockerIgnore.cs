using System.Text;
using System.Text.RegularExpressions;

namespace Slipway.Docker.Build;

/// <summary>
/// A .dockerignore, read as the Docker CLI reads it (moby's patternmatcher): one pattern a line, <c>#</c> comments,
/// Go's filepath.Match globs plus <c>**</c> for any number of directories, <c>!</c> to re-include, the last matching
/// line deciding. A pattern that matches a directory excludes everything under it.
/// </summary>
/// <example>
/// <code>
/// bin/
/// **/*.log
/// !keep.log
/// </code>
/// excludes <c>bin/x.dll</c> and <c>a/b/c.log</c>, keeps <c>keep.log</c>.
/// </example>
internal sealed partial class DockerIgnore
{
    private readonly IReadOnlyList<Pattern> _patterns;

    private DockerIgnore(IReadOnlyList<Pattern> patterns) => _patterns = patterns;

    public static readonly DockerIgnore None = new([]);

    /// <summary>Whether any line re-includes: only then must an excluded directory still be walked.</summary>
    public bool HasExceptions => _patterns.Any(p => p.Exception);

    public static DockerIgnore Parse(string text, params string[] alwaysKept)
    {
        var patterns = new List<Pattern>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exception = line.StartsWith('!');
            if (exception)
            {
                line = line[1..].Trim();
                if (line.Length == 0)
                {
                    continue;
                }
            }

            line = Clean(line);
            if (line.Length > 1 && line.StartsWith('/'))
            {
                line = line[1..];
            }

            patterns.Add(new Pattern(ToRegex(line), exception));
        }

        // The CLI sends the Dockerfile and the .dockerignore whatever the file says: the engine needs the one, and the
        // other is how a reader of the context knows what was left out.
        patterns.AddRange(alwaysKept.Select(path => new Pattern(ToRegex(path), Exception: true)));
        return new DockerIgnore(patterns);
    }

    /// <summary>Whether <paramref name="path"/> (relative to the context, '/'-separated) is left out.</summary>
    public bool Excludes(string path)
    {
        var excluded = false;
        foreach (var pattern in _patterns)
        {
            if (pattern.Matches(path))
            {
                excluded = !pattern.Exception;
            }
        }

        return excluded;
    }

    /// <summary>Go's path.Clean for a relative pattern: no empty, "." or resolvable ".." components.</summary>
    private static string Clean(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }

        var cleaned = string.Join('/', parts);
        return rooted ? "/" + cleaned : cleaned.Length == 0 ? "." : cleaned;
    }

    /// <summary>
    /// <c>*</c> any run within one path component, <c>?</c> one character of one, <c>[…]</c> a class, <c>\x</c> a
    /// literal x, <c>**</c> any number of components (<c>**/</c> also none).
    /// </summary>
    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                        regex.Append("(.*/)?");
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var body = pattern[(i + 1)..close];
                    regex.Append('[').Append(body.StartsWith('^') || body.StartsWith('!') ? "^" + body[1..] : body).Append(']');
                    i = close;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    i++;
                    regex.Append(Regex.Escape(pattern[i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    private sealed record Pattern(Regex Regex, bool Exception)
    {
        /// <summary>The path itself or any directory above it.</summary>
        public bool Matches(string path)
        {
            if (Regex.IsMatch(path))
            {
                return true;
            }

            for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
            {
                if (Regex.IsMatch(path[..slash]))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
