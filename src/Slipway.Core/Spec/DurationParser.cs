using System.Globalization;
using System.Text;

namespace Slipway.Core.Spec;

/// <summary>
/// Durations as Go writes them (<c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>1.5s</c>, <c>500ms</c>),
/// because that is what Argo Rollouts and Kubernetes users already type, plus a bare integer
/// meaning seconds. Units: ns, us (or µs), ms, s, m, h. A leading sign is accepted, as in Go;
/// whether a negative duration makes sense is the caller's decision.
/// </summary>
public static class DurationParser
{
    private const decimal NanosecondsPerTick = 100m;

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        try
        {
            return TryParseCore(text, out value);
        }
        catch (OverflowException)
        {
            // Too many digits for a decimal: certainly beyond TimeSpan.MaxValue.
            return false;
        }
    }

    /// <summary>
    /// The shortest Go-style text that <see cref="TryParse"/> reads back to the same value:
    /// <c>0s</c>, <c>500ms</c>, <c>1.5s</c>, <c>1m30s</c>, <c>1h</c>, <c>2h5m</c>. Hours are not folded
    /// into days, as in Go. Zero components are left out (Go writes <c>1h0m0s</c>).
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        // decimal, not long: the magnitude of TimeSpan.MinValue does not fit in a long.
        decimal ticks = value.Ticks;
        var builder = new StringBuilder();
        if (ticks < 0)
        {
            builder.Append('-');
            ticks = -ticks;
        }

        var nanoseconds = ticks * NanosecondsPerTick;
        if (nanoseconds < 1_000_000_000m)
        {
            var (unit, name) = nanoseconds >= 1_000_000m ? (1_000_000m, "ms") : nanoseconds >= 1_000m ? (1_000m, "µs") : (1m, "ns");
            return builder.Append(Number(nanoseconds / unit)).Append(name).ToString();
        }

        var hours = decimal.Floor(nanoseconds / 3_600_000_000_000m);
        nanoseconds -= hours * 3_600_000_000_000m;
        var minutes = decimal.Floor(nanoseconds / 60_000_000_000m);
        nanoseconds -= minutes * 60_000_000_000m;
        var seconds = nanoseconds / 1_000_000_000m;
        if (hours > 0)
        {
            builder.Append(Number(hours)).Append('h');
        }

        if (minutes > 0)
        {
            builder.Append(Number(minutes)).Append('m');
        }

        if (seconds > 0)
        {
            builder.Append(Number(seconds)).Append('s');
        }

        return builder.ToString();
    }

    private static bool TryParseCore(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.Length == 0)
        {
            return false;
        }

        // A bare integer is seconds: "30" reads as "30s".
        if (IsAllDigits(s))
        {
            return TryFromNanoseconds(ParseDecimal(s) * 1_000_000_000m, negative, out value);
        }

        decimal total = 0;
        while (s.Length > 0)
        {
            var numberLength = 0;
            var digits = 0;
            var seenDot = false;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || (s[numberLength] == '.' && !seenDot)))
            {
                if (s[numberLength] == '.')
                {
                    seenDot = true;
                }
                else
                {
                    digits++;
                }

                numberLength++;
            }

            if (digits == 0)
            {
                return false;
            }

            var number = s[..numberLength];
            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }

            if (UnitNanoseconds(s[..unitLength]) is not { } unit)
            {
                return false;
            }

            s = s[unitLength..];
            total += ParseDecimal(number) * unit;
        }

        return TryFromNanoseconds(total, negative, out value);
    }

    private static decimal? UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "µs" or "μs" => 1_000m, // U+00B5 micro sign and U+03BC Greek mu, as Go accepts both
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => null,
    };

    private static bool TryFromNanoseconds(decimal nanoseconds, bool negative, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var ticks = decimal.Truncate(nanoseconds / NanosecondsPerTick);
        if (negative)
        {
            ticks = -ticks;
        }

        if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static bool IsAllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static decimal ParseDecimal(ReadOnlySpan<char> number)
    {
        // "5." and ".5" are valid in Go; decimal.Parse wants a digit on the integer side.
        var text = number[0] == '.' ? "0" + number.ToString() : number.ToString().TrimEnd('.');
        return decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    private static string Number(decimal value) =>
        value.ToString("0.#########", CultureInfo.InvariantCulture);
}
