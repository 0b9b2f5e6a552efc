namespace Slipway.Cli.Output;

/// <summary>
/// An age as kubectl's AGE column shows it (Kubernetes' <c>duration.HumanDuration</c>): precise when recent and
/// coarser as it grows — 45s, 119s, 2m30s, 12m, 3h5m, 20h, 5d4h, 12d, 2y30d, 9y. Up to a second in the future
/// (clocks a little apart) is 0s; more is <c>&lt;invalid&gt;</c>.
/// </summary>
internal static class Age
{
    public static string Format(DateTimeOffset since, DateTimeOffset now) => Format(now - since);

    public static string Format(TimeSpan age)
    {
        var seconds = (long)age.TotalSeconds; // truncated toward zero, as Go's int(d.Seconds())
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var days = hours / 24 % 365;
            return days == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{days}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
