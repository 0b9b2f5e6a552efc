using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Core.Slo;
using Slipway.Server.Reconcile;
using Slipway.Server.Routing;
using Slipway.Store;

namespace Slipway.Server.Slo;

/// <summary>
/// Keeps the SLO history of every app×env that has SLOs the router measures (availability, latency): every
/// <see cref="Interval"/> it reads from the router the seconds after the last one stored (<c>GET /seconds</c>), counts
/// the good and total requests of each second by each SLO's indicator (<see cref="SloCounting"/>), and adds them to the
/// store's per-minute rows in one transaction that also moves the history's end (<see cref="IStore.RecordSloAsync"/>).
/// </summary>
/// <remarks>
/// Because each read asks for the seconds after the stored end, a restarted server backfills what the router still
/// holds (its last 5 minutes) and never counts a second twice, even when two reads race (the store takes its write lock
/// before it reads the end). A server down for longer than 5 minutes loses those minutes: they read as no traffic.
/// The app list is read every <see cref="ListInterval"/> (an app that gets SLOs is found within it, and loses nothing,
/// since the router holds 5 minutes); <see cref="RecordAsync"/> records one app×env at once, as the gate and
/// <c>slipway slo</c> do before they read. Old minutes are deleted every <see cref="PruneInterval"/>: what the longest
/// window of the app×env needs, plus a day.
/// </remarks>
internal sealed partial class SloRecorder(IStore store, RouterAdminClient router, TimeProvider time, ILogger<SloRecorder> logger) : BackgroundService
{
    /// <summary>How often the router is read: a burn-rate alert sees a burn this much (plus 2 s) late.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan ListInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>History kept beyond the longest window: a day, so that a window is always whole.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<AppKey, SemaphoreSlim> _recording = new();

    /// <summary>
    /// Reads the router once for <paramref name="app"/> and stores what it has not yet; null when done (or when the app
    /// has no SLO the router measures), else why the router could not be read.
    /// </summary>
    public async Task<string?> RecordAsync(AppRecord app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        var slos = app.Spec.Slos.Where(s => SloCounting.FromRouter(s.Indicator)).ToList();
        if (slos.Count == 0)
        {
            return null;
        }

        // One read at a time per app×env: the store would count a second once anyway, but two reads would fetch it twice.
        var gate = _recording.GetOrAdd(new AppKey(app.App, app.Environment), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var progress = (await store.ListSloProgressAsync(app.App, app.Environment, ct)).ToDictionary(p => p.Slo, StringComparer.Ordinal);
            long? after = slos.All(s => progress.ContainsKey(s.Name)) ? slos.Min(s => progress[s.Name].Through) : null;
            var (read, error) = await router.GetSecondsAsync(app.App, app.Environment, after, ct);
            if (read is null)
            {
                return error;
            }

            var recordings = slos.Select(slo => new SloRecording(slo.Name, Count(slo, read), read.From, read.Through)).ToList();
            await store.RecordSloAsync(app.App, app.Environment, recordings, ct);
            return null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Good and total requests of each second for one SLO, over every revision (and the requests that found
    /// none: the router's 503s are failures users saw).</summary>
    internal static List<SloSecond> Count(SloSpec slo, RouterSeconds read) =>
        [.. read.Revisions
            .SelectMany(r => r.Seconds)
            .Select(s => (s.Second, Counts: SloCounting.Count(slo.Indicator, s.Requests, s.Errors, s.LatencyBuckets)))
            .GroupBy(s => s.Second)
            .OrderBy(g => g.Key)
            .Select(g => new SloSecond(g.Key, (long)g.Sum(s => s.Counts.Good), (long)g.Sum(s => s.Counts.Total)))];

    /// <summary>How far back <paramref name="app"/>'s history must reach: its longest SLO or alert window.</summary>
    internal static TimeSpan LongestWindow(AppRecord app) =>
        app.Spec.Slos.Select(s => s.Window).Concat(app.Spec.ErrorBudgetPolicy.BurnRates.Select(a => a.Long)).DefaultIfEmpty(TimeSpan.Zero).Max();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        IReadOnlyList<AppRecord> apps = [];
        var listAt = time.GetUtcNow();
        var pruneAt = time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            try
            {
                if (now >= listAt)
                {
                    apps = [.. (await store.ListAppsAsync(ct)).Where(a => a.Spec.Slos.Count > 0)];
                    listAt = now + ListInterval;
                }

                foreach (var app in apps)
                {
                    if (await RecordAsync(app, ct) is { } error)
                    {
                        Log.RouterUnread(logger, app.App, app.Environment, error);
                    }
                }

                if (now >= pruneAt)
                {
                    foreach (var app in apps)
                    {
                        await store.PruneSloAsync(app.App, app.Environment, now - LongestWindow(app) - Retention, ct);
                    }

                    pruneAt = now + PruneInterval;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.PassFailed(logger, e);
            }

            try
            {
                await Task.Delay(Interval, time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "SLO recording of {App}/{Environment} waits for the router: {Error}")]
        public static partial void RouterUnread(ILogger logger, string app, string environment, string error);

        [LoggerMessage(2, LogLevel.Warning, "SLO recording failed; the next pass tries again (the router holds 5 minutes)")]
        public static partial void PassFailed(ILogger logger, Exception e);
    }
}
