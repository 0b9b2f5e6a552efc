using System.Globalization;
using Slipway.Core.Spec;

namespace Slipway.Server.Api;

/// <summary>
/// The <c>since</c> of <c>GET …/logs</c>: a duration back from now (<c>90s</c>, <c>5m</c>, <c>1h30m</c>, as
/// <c>kubectl logs --since</c> takes it), measured by the server's clock so the client's does not matter, or an
/// RFC 3339 time (<c>2026-11-23T10:00:00Z</c>), for a script that resumes where it stopped.
/// </summary>
public static class LogSince
{
    public const string Expected = "expected a duration such as 30s, 5m or 1h30m, or an RFC 3339 time such as 2026-11-23T10:00:00Z";

    /// <summary>The time <paramref name="text"/> names, or null when it names none.</summary>
    public static DateTimeOffset? Parse(string text, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DurationParser.TryParse(text, out var duration))
        {
            return duration >= TimeSpan.Zero && duration <= now - DateTimeOffset.UnixEpoch ? now - duration : null;
        }

        // RFC 3339: a date, a time and an offset (Z or ±hh:mm); no local times, whose meaning depends on the server's zone.
        return text.Length > 10 && (text.EndsWith('Z') || text.EndsWith('z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParseExact(text.ToUpperInvariant(), ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : null;
    }
}
