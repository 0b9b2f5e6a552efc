using System.Globalization;
using Slipway.Server.Api;

namespace Slipway.Cli;

/// <summary>
/// The text form of a <see cref="RevisionHealth"/>, one line under each revision of <c>status APP</c>:
/// <c>requests 1,204  success 99.6%  errors 0.4%  p50 2.1 ms  p99 14 ms  (last 60 s)</c>.
/// </summary>
internal static class HealthText
{
    public static string Line(RevisionHealth h) =>
        h.Requests == 0 || h.SuccessRate is not { } success || h.ErrorRate is not { } errors
            ? $"no requests in the last {h.WindowSeconds} s"
            : string.Create(CultureInfo.InvariantCulture,
                $"requests {h.Requests:N0}  success {Percent(success)}  errors {Percent(errors)}  p50 {Milliseconds(h.P50Ms)}  p99 {Milliseconds(h.P99Ms)}  (last {h.WindowSeconds} s)");

    /// <summary>One decimal, except that a rate that is not exactly 0 or 1 never reads as 0% or 100%.</summary>
    public static string Percent(double rate)
    {
        var percent = rate * 100;
        return percent switch
        {
            > 0 and < 0.05 => "<0.1%",
            > 99.95 and < 100 => ">99.9%",
            _ => percent.ToString("0.#", CultureInfo.InvariantCulture) + "%",
        };
    }

    public static string Milliseconds(double? ms) => ms switch
    {
        null => "-",
        < 1 => ms.Value.ToString("0.##", CultureInfo.InvariantCulture) + " ms",
        < 10 => ms.Value.ToString("0.#", CultureInfo.InvariantCulture) + " ms",
        _ => ms.Value.ToString("#,0", CultureInfo.InvariantCulture) + " ms",
    };
}
