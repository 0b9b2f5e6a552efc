namespace Slipway.Store;

/// <summary>Good and total requests of one second for one SLO, as the router counted them.</summary>
/// <param name="Second">A Unix second: the router's name for it, the same at every read.</param>
public sealed record SloSecond(long Second, long Good, long Total);

/// <summary>
/// What one read of the router adds to one SLO's history: the seconds with requests, and how far the read went.
/// </summary>
/// <param name="From">The oldest second the read could tell about (the router's window, or its start): where the
/// history starts when this SLO has none yet.</param>
/// <param name="Through">Every second up to this one is now recorded, those without requests included (they had none).</param>
public sealed record SloRecording(string Slo, IReadOnlyList<SloSecond> Seconds, long From, long Through);

/// <summary>How far one SLO's history goes: from <see cref="Since"/> to <see cref="Through"/>, Unix seconds, both included.</summary>
public sealed record SloProgress(string Slo, long Since, long Through)
{
    public DateTimeOffset SinceTime => DateTimeOffset.FromUnixTimeSeconds(Since);

    public DateTimeOffset ThroughTime => DateTimeOffset.FromUnixTimeSeconds(Through);
}
