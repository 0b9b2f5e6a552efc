using Slipway.Core.Spec;
using Slipway.Router.Metrics;

namespace Slipway.Server.Api;

/// <summary>
/// The <c>window</c> of a status request (<c>?window=2m</c>, <c>slipway status --window 2m</c>): how far back the
/// revisions' health looks. A duration as specs write them, in whole seconds from 1 s to the router's 5 minutes;
/// 60 s when not given.
/// </summary>
internal static class HealthWindow
{
    public static bool TryParse(string? text, out int seconds)
    {
        seconds = StatsWindow.DefaultSeconds;
        if (text is null)
        {
            return true;
        }

        if (!DurationParser.TryParse(text, out var duration) || duration.Ticks % TimeSpan.TicksPerSecond != 0
            || duration < TimeSpan.FromSeconds(1) || duration > TimeSpan.FromSeconds(StatsWindow.MaxSeconds))
        {
            return false;
        }

        seconds = (int)duration.TotalSeconds;
        return true;
    }

    public static string Expected(string text) =>
        $"window: expected whole seconds from 1s to {DurationParser.Format(TimeSpan.FromSeconds(StatsWindow.MaxSeconds))}, such as 30s or 2m; got '{text}'";
}
