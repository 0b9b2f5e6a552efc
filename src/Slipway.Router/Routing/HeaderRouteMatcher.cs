using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Slipway.Router.Routing;

/// <summary>
/// The compiled conditions of a header route: every match must hold. A header with several values matches when any
/// value does. Regexes are compiled once per table, and only exist when a route asks for one.
/// </summary>
internal sealed class HeaderRouteMatcher
{
    // A pathological pattern must not hold a request hostage; a timed-out match counts as "no match".
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Condition[] _conditions;

    private HeaderRouteMatcher(Condition[] conditions) => _conditions = conditions;

    /// <exception cref="ArgumentException">A regex does not parse.</exception>
    public static HeaderRouteMatcher Create(IReadOnlyList<HeaderMatchConfig> matches)
    {
        var conditions = new Condition[matches.Count];
        for (var i = 0; i < matches.Count; i++)
        {
            var m = matches[i];
            conditions[i] = m switch
            {
                { Exact: { } exact } => new Condition(m.Header, MatchKind.Exact, exact, null),
                { Prefix: { } prefix } => new Condition(m.Header, MatchKind.Prefix, prefix, null),
                { Regex: { } pattern } => new Condition(m.Header, MatchKind.Regex, pattern,
                    new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, RegexTimeout)),
                _ => throw new ArgumentException($"header match on {m.Header} has no condition"),
            };
        }

        return new HeaderRouteMatcher(conditions);
    }

    public bool Matches(IHeaderDictionary headers)
    {
        foreach (var condition in _conditions)
        {
            if (!headers.TryGetValue(condition.Header, out var values) || !AnyValueMatches(condition, values))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyValueMatches(Condition condition, StringValues values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value is not null && ValueMatches(condition, value))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ValueMatches(Condition condition, string value)
    {
        switch (condition.Kind)
        {
            case MatchKind.Exact:
                return string.Equals(value, condition.Value, StringComparison.Ordinal);
            case MatchKind.Prefix:
                return value.StartsWith(condition.Value, StringComparison.Ordinal);
            default:
                try
                {
                    return condition.Regex!.IsMatch(value);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }
        }
    }

    private enum MatchKind
    {
        Exact,
        Prefix,
        Regex,
    }

    private sealed record Condition(string Header, MatchKind Kind, string Value, Regex? Regex);
}
