using System.Globalization;
using Slipway.Server.Api;

namespace Slipway.Cli.Watch;

/// <summary>The terminal view of <c>get apps --watch</c>: every app with its phase, revisions and ready instances, columns sized to fit.</summary>
internal static class AppsScreen
{
    public static IReadOnlyList<string> Render(IReadOnlyList<AppSummary> apps, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var rows = new List<string[]> { new[] { "APP", "ENV", "PHASE", "STABLE", "CANARY", "READY", "URL" } };
        rows.AddRange(apps.Select(a => new[]
        {
            a.App, a.Environment, a.Phase, ProgressLine.Revision(a.StableRevision), ProgressLine.Revision(a.CanaryRevision),
            string.Create(CultureInfo.InvariantCulture, $"{a.Ready}/{a.Replicas}"), a.Url,
        }));
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var lines = rows.Select(r => string.Join("   ", r.Select((cell, c) => c == r.Length - 1 ? cell : cell.PadRight(widths[c])))).ToList();
        if (apps.Count == 0)
        {
            lines = ["No apps found."];
        }

        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"updated {now.ToLocalTime():HH:mm:ss}   Ctrl-C to stop"));
        return lines;
    }
}
