namespace Slipway.Core.Rollouts;

/// <summary>
/// Turns desired instance counts into instances to start and instances to stop, and decides the stop order. Also
/// carries out <c>rollout restart</c>: the stable revision's instances created before the restart are replaced one at a
/// time — one replacement is started, and once it is available one old instance is drained.
/// </summary>
internal static class InstanceSelection
{
    public static (IReadOnlyDictionary<int, int> Start, IReadOnlyList<string> Stop) Select(
        IReadOnlyDictionary<int, int> desired,
        IReadOnlyList<ObservedInstance> instances,
        RolloutStatus status,
        DateTimeOffset now,
        TimeSpan minReady)
    {
        var start = new Dictionary<int, int>();
        var stop = new List<string>();
        var revisions = instances.Where(i => !i.Terminating).Select(i => i.Revision).Concat(desired.Keys).Distinct().Order();
        foreach (var revision in revisions)
        {
            var want = desired.GetValueOrDefault(revision);
            var current = instances.Where(i => i.Revision == revision && !i.Terminating).ToList();
            var stale = status.RestartedAt is { } restartedAt && revision == status.StableRevision && want > 0
                ? current.Where(i => i.CreatedAt < restartedAt).Select(i => i.Id).ToHashSet()
                : [];
            if (stale.Count > 0)
            {
                // One replacement at a time: surge one, wait until it is available, then drain a stale one.
                var replacementStarting = current.Any(i => !stale.Contains(i.Id) && !i.IsAvailable(now, minReady));
                want = replacementStarting ? Math.Max(want, current.Count) : current.Count == want ? want + 1 : want;
            }

            if (current.Count < want)
            {
                start[revision] = want - current.Count;
            }
            else if (current.Count > want)
            {
                stop.AddRange(StopOrder(current, stale, now, minReady).Take(current.Count - want));
            }
        }

        return (start, stop);
    }

    /// <summary>Which instances of one revision go first: stale ones (a restart), then not ready, then not available, then the newest.</summary>
    public static IEnumerable<string> StopOrder(IEnumerable<ObservedInstance> instances, IReadOnlySet<string> stale, DateTimeOffset now, TimeSpan minReady) =>
        instances
            .OrderBy(i => stale.Contains(i.Id) ? 0 : 1)
            .ThenBy(i => i.Ready ? 1 : 0)
            .ThenBy(i => i.IsAvailable(now, minReady) ? 1 : 0)
            .ThenByDescending(i => i.CreatedAt)
            .ThenByDescending(i => i.Id, StringComparer.Ordinal)
            .Select(i => i.Id);
}
