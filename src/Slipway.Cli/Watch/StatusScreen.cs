using System.Globalization;
using Slipway.Server.Api;

namespace Slipway.Cli.Watch;

/// <summary>
/// The terminal view of <c>status APP --watch</c>: the phase, the canary steps with progress marks (✔ done, ▶ current,
/// ○ pending) and a countdown on a timed pause ("resumes in 27 s"), the weights and the ready instances per revision.
/// Redrawn every second by <see cref="WatchLoop"/>; <paramref name="now"/> is only used for the countdown.
/// </summary>
internal static class StatusScreen
{
    public const string Done = "✔";
    public const string Current = "▶";
    public const string Pending = "○";

    public static IReadOnlyList<string> Render(StatusView s, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        var lines = new List<string>
        {
            Line($"{s.App} ({s.Environment})   {s.Strategy}   {s.Phase}{(s.Reason is null ? "" : $" ({s.Reason})")}"),
        };
        if (s.Message is not null)
        {
            lines.Add("  " + s.Message);
        }

        if (s.Error is not null)
        {
            lines.Add("  error: " + s.Error);
        }

        if (s.CanaryRevision is not null && s.StableRevision is not null && s.Steps.Count > 0)
        {
            lines.Add(Line($"  steps (revision {s.CanaryRevision})"));
            foreach (var step in s.Steps)
            {
                var mark = step.Index < s.CurrentStepIndex ? Done : step.Index == s.CurrentStepIndex ? Current : Pending;
                var note = step.Index == s.CurrentStepIndex ? CurrentNote(s, now) : null;
                lines.Add(Line($"    {mark} {step.Index + 1,2}  {step.Text}{(note is null ? "" : "   " + note)}"));
            }

            if (s.CurrentStepIndex >= s.Steps.Count)
            {
                lines.Add(Line($"    {Current}     full promotion: revision {s.CanaryRevision} to {s.Replicas} instances, then all traffic"));
            }
        }

        lines.Add(Line($"  weights    stable {s.Weights.Stable}%   canary {s.Weights.Canary}%{(s.HeaderRoute is null ? "" : $"   header route {s.HeaderRoute.Name}")}{(s.MirrorPercent > 0 ? $"   mirror {s.MirrorPercent}%" : "")}"));
        foreach (var r in s.Revisions)
        {
            lines.Add(Line($"  revision {r.Number,-4} {r.Role,-9} ready {r.Ready}/{r.Desired}{Bar(r.Ready, r.Desired)}"));
        }

        lines.Add(Line($"  url        {s.Url}"));
        lines.Add(Line($"  updated {now.ToLocalTime():HH:mm:ss}   Ctrl-C to stop"));
        return lines;
    }

    /// <summary>"resumes in 27 s" on a timed pause; what the rollout waits for otherwise.</summary>
    private static string? CurrentNote(StatusView s, DateTimeOffset now)
    {
        if (s.Reason == Core.Rollouts.Reasons.PausedByUser)
        {
            return "paused by a user";
        }

        if (s.PauseEndsAt is { } ends)
        {
            return $"resumes in {Countdown(ends - now)}";
        }

        return s.Phase == "Paused" ? "waiting to be promoted" : s.Phase == "Progressing" ? "in progress" : null;
    }

    /// <summary>"27 s", "4 min 05 s", "1 h 02 min"; never negative (the server may not have gone on yet).</summary>
    public static string Countdown(TimeSpan left)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, left.TotalSeconds));
        return seconds < 60 ? Line($"{seconds} s")
            : seconds < 3600 ? Line($"{seconds / 60} min {seconds % 60:00} s")
            : Line($"{seconds / 3600} h {seconds % 3600 / 60:00} min");
    }

    private static string Bar(int ready, int desired) =>
        desired is <= 0 or > 40 ? "" : "   " + new string('■', Math.Min(ready, desired)) + new string('□', Math.Max(0, desired - ready));

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
