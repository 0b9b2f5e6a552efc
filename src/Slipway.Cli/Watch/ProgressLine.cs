using System.Globalization;
using System.Text;
using Slipway.Server.Api;

namespace Slipway.Cli.Watch;

/// <summary>
/// One line that sums up where a rollout is — phase, step i/n, weights, ready instances per revision, message — as
/// <c>rollout status</c> and the watches print it when their output is not a terminal: a new line only when it changes,
/// so nothing in it moves by itself (no clock, no countdown).
/// </summary>
internal static class ProgressLine
{
    /// <summary>
    /// <c>web: Paused (CanaryPauseStep) | step 2/4 pause (until promoted) | weights stable 90% canary 10% |
    /// revision 2 canary 1/1 ready, revision 1 stable 3/3 ready | step 2: paused until promoted</c>
    /// </summary>
    public static string Of(StatusView s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{s.App}: {s.Phase}{(s.Reason is null ? "" : $" ({s.Reason})")}");
        if (Step(s) is { } step)
        {
            line.Append(" | ").Append(step);
        }

        line.Append(CultureInfo.InvariantCulture, $" | weights stable {s.Weights.Stable}% canary {s.Weights.Canary}%");
        if (s.Revisions.Count > 0)
        {
            line.Append(" | ").AppendJoin(", ", s.Revisions.Select(r => string.Create(CultureInfo.InvariantCulture, $"revision {r.Number} {r.Role} {r.Ready}/{r.Desired} ready")));
        }

        if (s.Message is not null)
        {
            line.Append(" | ").Append(s.Message);
        }

        if (s.Error is not null)
        {
            line.Append(" | error: ").Append(s.Error);
        }

        return line.ToString();
    }

    /// <summary><c>web (dev): Progressing | stable 1, canary 2 | ready 3/3</c></summary>
    public static string Of(AppSummary a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return string.Create(CultureInfo.InvariantCulture, $"{a.App} ({a.Environment}): {a.Phase} | stable {Revision(a.StableRevision)}, canary {Revision(a.CanaryRevision)} | ready {a.Ready}/{a.Replicas}");
    }

    /// <summary>
    /// "step 2/4 pause (until promoted)" while a canary rolls out; "steps done 4/4, full promotion" once they all are;
    /// null otherwise (a first deploy has no steps to go through).
    /// </summary>
    public static string? Step(StatusView s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.TotalSteps == 0 || s.CanaryRevision is null || s.StableRevision is null)
        {
            return null;
        }

        return s.CurrentStepIndex < s.Steps.Count
            ? string.Create(CultureInfo.InvariantCulture, $"step {s.CurrentStepIndex + 1}/{s.TotalSteps} {s.Steps[s.CurrentStepIndex].Text}")
            : string.Create(CultureInfo.InvariantCulture, $"steps done {s.TotalSteps}/{s.TotalSteps}, full promotion");
    }

    public static string Revision(int? revision) => revision?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
