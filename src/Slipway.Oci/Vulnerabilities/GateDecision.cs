using System.Globalization;
using System.Text;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// The gate's answer for one artifact: allowed or refused, with every finding at fault (and, for each, the exception
/// that expired, if one did), the findings an exception let through, and how many were below the threshold.
/// <see cref="Message"/> says all of it in plain words, one finding per line.
/// </summary>
public sealed record GateDecision(
    Severity RefuseAt,
    IReadOnlyList<RefusedFinding> Refused,
    IReadOnlyList<ExemptedFinding> Exempted,
    IReadOnlyList<Finding> Below)
{
    public bool Allowed => Refused.Count == 0;

    public string Message
    {
        get
        {
            var text = new StringBuilder();
            var threshold = RefuseAt.Word();
            text.Append(Allowed
                ? $"allowed: no vulnerability at or above {threshold} without an exception"
                : $"refused: {Refused.Count} {(Refused.Count == 1 ? "vulnerability" : "vulnerabilities")} at or above {threshold}");
            var extras = new List<string>();
            if (Exempted.Count > 0)
            {
                extras.Add($"{Exempted.Count} let through by an exception");
            }

            if (Below.Count > 0)
            {
                extras.Add($"{Below.Count} below {threshold}");
            }

            if (extras.Count > 0)
            {
                text.Append(" (").AppendJoin("; ", extras).Append(')');
            }

            foreach (var refused in Refused)
            {
                text.Append('\n').Append("  ").Append(refused.Finding);
                if (refused.Expired is { } expired)
                {
                    text.Append(CultureInfo.InvariantCulture, $" — the exception \"{expired.Reason}\" expired at {Time(expired.ExpiresAt)}");
                }
            }

            foreach (var exempted in Exempted)
            {
                text.Append('\n').Append(CultureInfo.InvariantCulture, $"  excepted until {Time(exempted.Exemption.ExpiresAt)}: {exempted.Finding} — \"{exempted.Exemption.Reason}\"");
            }

            return text.ToString();
        }
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>A finding that refuses the artifact, and the exception that would have let it through had it not expired.</summary>
public sealed record RefusedFinding(Finding Finding, Exemption? Expired);

/// <summary>A finding at or above the threshold that an unexpired exception let through.</summary>
public sealed record ExemptedFinding(Finding Finding, Exemption Exemption);
