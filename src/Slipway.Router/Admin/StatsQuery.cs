using System.Globalization;
using Microsoft.AspNetCore.Http;
using Slipway.Router.Metrics;

namespace Slipway.Router.Admin;

/// <summary>
/// The query of <c>GET /stats</c>: <c>window</c> (seconds as <c>N</c>, <c>Ns</c> or <c>Nm</c>, 1 s to 5 m; default
/// 60 s), optional <c>app</c> and <c>env</c> filters, and <c>buckets</c> (<c>true</c> or <c>false</c>, default false):
/// each revision's latency distribution too, which the statistical judge compares and <c>slipway status</c> does not
/// need. Anything else is refused, so a mistyped name is not silently ignored.
/// </summary>
internal sealed record StatsQuery(int WindowSeconds, string? App, string? Environment, bool Buckets = false)
{
    public static StatsQuery? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        foreach (var name in query.Keys)
        {
            if (name is not ("window" or "app" or "env" or "buckets"))
            {
                error = $"unknown query parameter '{name}': expected window, app, env or buckets";
                return null;
            }
        }

        var seconds = StatsWindow.DefaultSeconds;
        if (query.TryGetValue("window", out var window) && !TryParseWindow(window.ToString(), out seconds))
        {
            error = $"window: expected a number of seconds from 1 to {StatsWindow.MaxSeconds} as N, Ns or Nm (60s, 5m), got '{window}'";
            return null;
        }

        var buckets = false;
        if (query.TryGetValue("buckets", out var asked) && !TryParseBoolean(asked.ToString(), out buckets))
        {
            error = $"buckets: expected true or false, got '{asked}'";
            return null;
        }

        return new StatsQuery(seconds, Single(query, "app"), Single(query, "env"), buckets);
    }

    private static bool TryParseWindow(string text, out int seconds)
    {
        seconds = 0;
        var (number, unit) = text.EndsWith('m') ? (text[..^1], 60) : text.EndsWith('s') ? (text[..^1], 1) : (text, 1);
        if (number.Length is 0 or > 4 || !number.All(char.IsAsciiDigit))
        {
            return false;
        }

        seconds = int.Parse(number, CultureInfo.InvariantCulture) * unit;
        return seconds is >= 1 and <= StatsWindow.MaxSeconds;
    }

    private static bool TryParseBoolean(string text, out bool value)
    {
        value = text == "true";
        return text is "true" or "false";
    }

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;
}
