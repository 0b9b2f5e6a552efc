using System.Globalization;

namespace Slipway.Cli.Output;

/// <summary>A moment as the CLI's tables show it: date and time to the second, in UTC, marked <c>Z</c> (<c>2026-11-23 22:10:05Z</c>).</summary>
internal static class Timestamp
{
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd' 'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);
}
