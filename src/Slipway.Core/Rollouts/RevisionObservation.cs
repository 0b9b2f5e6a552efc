namespace Slipway.Core.Rollouts;

/// <summary>What runs of one revision right now, summed up from its instances.</summary>
/// <param name="Instances">Instances that exist and are not being stopped.</param>
/// <param name="Ready">Of those, the ones passing readiness: the router may send them traffic.</param>
/// <param name="Available">Of those, the ones ready for at least <c>minReadySeconds</c>: what rollout progress counts.</param>
/// <param name="Terminating">Instances being drained and stopped.</param>
/// <param name="Restarts">Restarts of the instances created since the rollout started (the crash-loop rule counts these).</param>
public sealed record RevisionObservation(int Instances, int Ready, int Available, int Terminating, int Restarts)
{
    public static readonly RevisionObservation None = new(0, 0, 0, 0, 0);

    public static RevisionObservation Of(IEnumerable<ObservedInstance> instances, DateTimeOffset now, TimeSpan minReady, DateTimeOffset? restartsSince)
    {
        ArgumentNullException.ThrowIfNull(instances);
        int count = 0, ready = 0, available = 0, terminating = 0, restarts = 0;
        foreach (var i in instances)
        {
            if (i.Terminating)
            {
                terminating++;
                continue;
            }

            count++;
            ready += i.Ready ? 1 : 0;
            available += i.IsAvailable(now, minReady) ? 1 : 0;
            restarts += restartsSince is { } since && i.CreatedAt >= since ? i.Restarts : 0;
        }

        return new RevisionObservation(count, ready, available, terminating, restarts);
    }
}
