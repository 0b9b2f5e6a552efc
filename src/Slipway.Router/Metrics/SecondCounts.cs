namespace Slipway.Router.Metrics;

/// <summary>What one revision served in one second: its errors and its requests per <see cref="LatencyBuckets">latency
/// bucket</see> (their sum is the number of requests).</summary>
/// <param name="Second">The second, on the clock the window was read with (see <see cref="SlidingWindow.ReadSeconds"/>).</param>
internal sealed record SecondCounts(long Second, int Errors, int[] Latency)
{
    public long Requests
    {
        get
        {
            long total = 0;
            foreach (var count in Latency)
            {
                total += count;
            }

            return total;
        }
    }
}
