using System.Globalization;
using Microsoft.AspNetCore.Http;
using Slipway.Router.Metrics;

namespace Slipway.Router.Admin;

/// <summary>
/// The query of <c>GET /stats</c>: <c>window</c> (seconds as <c>N</c>, <c>Ns</c> or <c>Nm</c>, 1 s to 5 m; default
/// 60 s) and optional <c>app</c> and <c>env</c> filters. Anything else is refused, so a mistyped name is not silently
/// ignored.
/// </summary>
internal sealed record StatsQuery(int WindowSeconds, string? App, string? Environment)
{
    public static StatsQuery? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        foreach (var name in query.Keys)
        {
            if (name is not ("window" or "app" or "env"))
            {
                error = $"unknown query parameter '{name}': expected window, app or env";
                return null;
            }
        }

        var seconds = StatsWindow.DefaultSeconds;
        if (query.TryGetValue("window", out var window) && !TryParseWindow(window.ToString(), out seconds))
        {
            error = $"window: expected a number of seconds from 1 to {StatsWindow.MaxSeconds} as N, Ns or Nm (60s, 5m), got '{window}'";
            return null;
        }

        return new StatsQuery(seconds, Single(query, "app"), Single(query, "env"));
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

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;
}
