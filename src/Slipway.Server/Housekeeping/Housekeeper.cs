using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slipway.Local;
using Slipway.Local.Logs;
using Slipway.Server.Apply;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Housekeeping;

/// <summary>
/// Keeps what the server stores bounded over a long run, in one place: revisions beyond each app×env's history limit
/// (<see cref="RevisionPruner"/>), artifact copies no kept revision uses (<see cref="ArtifactCollector"/>), copies a
/// crash left half written (<see cref="ArtifactStore.RemoveLeftovers"/>) and logs of deleted apps and revisions
/// (<see cref="LogCollector"/>). Events need no pass: the store bounds them as it writes them.
/// </summary>
/// <remarks>
/// A pass runs at start, once the supervisor has adopted what runs (before, no instance is known and every log
/// would look abandoned), then every <see cref="ServerOptions.HousekeepingInterval"/>. Nothing here is urgent: a
/// revision, a copy or a log more for a few minutes costs only disk. One exception: a deleted app's logs go as soon
/// as its instances have stopped (<see cref="AppDeleted"/>), watched every second until then. Each step's failure is
/// logged and the others go on; the next pass tries again.
/// </remarks>
internal sealed partial class Housekeeper : BackgroundService
{
    /// <summary>A temporary artifact directory older than this is a crash's leftover, never a copy being written.</summary>
    public static readonly TimeSpan LeftoverAge = TimeSpan.FromHours(1);

    private static readonly TimeSpan DeletedAppPollInterval = TimeSpan.FromSeconds(1);

    private readonly RevisionPruner _revisions;
    private readonly ArtifactCollector _artifacts;
    private readonly LogCollector _logs;
    private readonly ArtifactStore _artifactStore;
    private readonly Task _adopted;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string App, string Env), byte> _deleted = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public Housekeeper(
        IStore store,
        ControlPlaneLock gate,
        ITarget target,
        ArtifactStore artifacts,
        LocalSupervisor supervisor,
        ServerOptions options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        ArgumentNullException.ThrowIfNull(loggers);
        _revisions = new RevisionPruner(store, gate, target, loggers.CreateLogger<RevisionPruner>());
        _artifacts = new ArtifactCollector(store, artifacts, loggers.CreateLogger<ArtifactCollector>());
        _logs = new LogCollector(LogLayout.Root(options.DataDirectory), store, target, loggers.CreateLogger<LogCollector>());
        _artifactStore = artifacts;
        _adopted = supervisor.Adopted;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<Housekeeper>();
    }

    /// <summary>
    /// An app×env was deleted: its logs go once its instances have stopped (the reconciler drains and stops them).
    /// </summary>
    public void AppDeleted(string app, string environment)
    {
        _deleted.TryAdd((app, environment), 0);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>One pass of every step, in the order that lets each see the previous one's work.</summary>
    public async Task<HousekeepingPass> RunOnceAsync(CancellationToken ct)
    {
        var pruned = await StepAsync("revision history", () => _revisions.PruneAsync(ct), []);
        var artifacts = await StepAsync("artifact copies", () => _artifacts.CollectAsync(ct), []);
        var leftovers = await StepAsync("partial artifact copies", () => Task.FromResult(_artifactStore.RemoveLeftovers(_time.GetUtcNow() - LeftoverAge)), []);
        var logs = await StepAsync("logs", () => _logs.CollectAsync(ct), []);
        return new HousekeepingPass(pruned, artifacts, leftovers, logs);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        // No import runs yet and no earlier server does (the data directory's lock): every temporary is a leftover.
        await StepAsync("partial artifact copies", () => Task.FromResult(_artifactStore.RemoveLeftovers(DateTimeOffset.MaxValue)), []);
        await _adopted.WaitAsync(ct);

        var next = _time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            if (_time.GetUtcNow() >= next)
            {
                await RunOnceAsync(ct);
                next = _time.GetUtcNow() + _options.HousekeepingInterval;
            }

            await CollectDeletedAppsAsync(ct);
            var wait = next - _time.GetUtcNow();
            if (!_deleted.IsEmpty && wait > DeletedAppPollInterval)
            {
                wait = DeletedAppPollInterval;
            }

            await WaitAsync(wait, ct);
        }
    }

    private async Task CollectDeletedAppsAsync(CancellationToken ct)
    {
        foreach (var key in _deleted.Keys)
        {
            if (await StepAsync("logs of a deleted app", () => _logs.CollectDeletedAsync(key.App, key.Env, ct), false))
            {
                _deleted.TryRemove(key, out _);
            }
        }
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var tick = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, tick.Token);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the interval passed
        }
    }

    private async Task<T> StepAsync<T>(string step, Func<Task<T>> run, T failed)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.StepFailed(_logger, step, e);
            return failed;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Housekeeping of {Step} failed; the next pass tries again")]
        public static partial void StepFailed(ILogger logger, string step, Exception e);
    }
}

/// <summary>What one housekeeping pass deleted.</summary>
internal sealed record HousekeepingPass(
    IReadOnlyList<PrunedRevisions> Revisions,
    IReadOnlyList<string> ArtifactCopies,
    IReadOnlyList<string> Leftovers,
    IReadOnlyList<string> LogDirectories);
