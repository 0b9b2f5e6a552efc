using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Watch;

/// <summary>The terminal view of <c>get apps --watch</c>: the table of <c>get apps</c> (<see cref="AppsOutput"/>), redrawn with the time of the update.</summary>
internal static class AppsScreen
{
    /// <param name="environment">The environment listed; null when every environment is (<c>-A</c>).</param>
    public static IReadOnlyList<string> Render(IReadOnlyList<AppSummary> apps, string? environment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(apps);
        var table = AppsOutput.Create(JsonSerializer.SerializeToNode(apps, SlipwayJson.Api)!, apps, environment, now);
        var lines = table.EmptyMessage is { } empty ? [empty] : table.Text(wide: false).TrimEnd('\n').Split('\n').ToList();
        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"updated {now.ToLocalTime():HH:mm:ss}   Ctrl-C to stop"));
        return lines;
    }
}
