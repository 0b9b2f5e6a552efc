namespace Slipway.Core.Slo;

/// <summary>
/// What was measured for one SLO at one instant: good and total requests over each window
/// <see cref="SloEvaluator.Windows"/> asks for, ending now, and how much data there is.
/// </summary>
/// <param name="Windows">Counts per window length. A window longer than the data held covers what there is.</param>
/// <param name="Held">How far back the data goes (recording started, or the history kept); null when unknown, as for a
/// Prometheus indicator, whose queries cover whatever Prometheus holds: every window is then taken as whole.</param>
/// <param name="Error">Why the SLO could not be measured (Prometheus did not answer); the windows are then empty.</param>
public sealed record SloObservation(SloSpec Slo, IReadOnlyDictionary<TimeSpan, SloCounts> Windows, TimeSpan? Held, string? Error = null)
{
    public static SloObservation Failed(SloSpec slo, string error) => new(slo, new Dictionary<TimeSpan, SloCounts>(), null, error);

    /// <summary>The counts over <paramref name="window"/>; none when it was not measured.</summary>
    public SloCounts Over(TimeSpan window) => Windows.TryGetValue(window, out var counts) ? counts : SloCounts.None;

    /// <summary>The part of <paramref name="window"/> the data covers.</summary>
    public TimeSpan Covered(TimeSpan window) => Held is { } held && held < window ? (held < TimeSpan.Zero ? TimeSpan.Zero : held) : window;
}
