namespace Slipway.Sample;

/// <summary>Counts the requests this instance served, and how many of them were mirrored copies.</summary>
internal sealed class SampleStats
{
    private long _requests;
    private long _mirrored;

    public void Count(bool mirrored)
    {
        Interlocked.Increment(ref _requests);
        if (mirrored)
        {
            Interlocked.Increment(ref _mirrored);
        }
    }

    public SampleStatsSnapshot Snapshot() => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _mirrored));
}

internal sealed record SampleStatsSnapshot(long Requests, long Mirrored);
