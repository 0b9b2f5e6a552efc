using System.Globalization;
using Slipway.Core.Spec;

namespace Slipway.Server.Supply;

/// <summary>
/// When an exception expires, as a user writes it: an RFC 3339 time (<c>2026-12-01T12:00:00Z</c>), a date
/// (<c>2026-12-01</c>, meaning its start in UTC: the exception no longer applies on that day), or a duration from now —
/// days and weeks (<c>30d</c>, <c>2w</c>) as well as Go's units (<c>12h</c>, <c>90m</c>). The server reads it against its own
/// clock, so "30d" means thirty days from when the exception is recorded, whatever the client's clock says.
/// </summary>
internal static class ExpiryText
{
    public const string Expected = "a date (2026-12-01), a time (2026-12-01T12:00:00Z) or a duration from now (30d, 2w, 12h)";

    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset expires)
    {
        expires = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            expires = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return true;
        }

        if (text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out expires))
        {
            return true;
        }

        var unit = text[^1];
        if ((unit is 'd' or 'w') && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            expires = Seconds(now + TimeSpan.FromDays(count * (unit == 'w' ? 7 : 1)));
            return true;
        }

        if (DurationParser.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            expires = Seconds(now + duration);
            return true;
        }

        return false;
    }

    /// <summary>To the whole second, as the API writes times: the expiry stored is the one shown.</summary>
    private static DateTimeOffset Seconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
