using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Analysis;

/// <summary>
/// Runs the analyses rollouts ask for (Argo Rollouts' AnalysisRun controller, inside the server). After each pass the
/// reconciler hands it the runs the plan wants (<see cref="SyncAsync"/>): a missing one is stored and starts
/// measuring; one no longer wanted is ended. Each run measures on its own timer, never holding a control-plane lock:
/// a measurement is a provider call, a phase decided in Core (<see cref="MeasurementDecider"/>,
/// <see cref="MetricAssessment"/>), and one store write of the run with that measurement. When what the planner
/// reads of a run changes — its phase, or whether it has evidence — the app×env is queued, so a failing measurement
/// reaches the planner, and traffic reaches stable, in one pass.
/// <para>
/// Runs are persisted before they measure, and a starting server resumes every unfinished one
/// (<see cref="ResumeAsync"/>) where it was: its counters are in the run, so a crash loses at most the measurement
/// that was being taken.
/// </para>
/// </summary>
internal sealed partial class AnalysisRunner(
    IStore store,
    WorkQueue queue,
    ITarget target,
    IMetricProvider providers,
    ArtifactStore artifacts,
    TimeProvider time,
    ILogger<AnalysisRunner> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<AppKey, AppRuns> _apps = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>What the planner sees of this app×env's runs: every run the last passes asked for, as it is now.</summary>
    public IReadOnlyList<AnalysisRunState> StatesOf(AppKey key)
    {
        if (!_apps.TryGetValue(key, out var runs))
        {
            return [];
        }

        lock (runs)
        {
            return [.. runs.Active.Values.Select(r => r.Record.Run.State)];
        }
    }

    /// <summary>
    /// Makes the runs of <paramref name="key"/> the ones its plan wants: stores and starts those missing (the store
    /// returns a run already stored under the same key, so a pass repeated after a crash finds it where it was), ends
    /// those no longer wanted. Called after the pass has saved its status.
    /// </summary>
    public async Task SyncAsync(AppKey key, AppRecord app, RolloutStatus status, IReadOnlyList<AnalysisRunRequest> wanted, CancellationToken ct)
    {
        var runs = _apps.GetOrAdd(key, _ => new AppRuns());
        await runs.Gate.WaitAsync(ct);
        try
        {
            var keys = wanted.Select(w => w.Key).ToHashSet();
            foreach (var stale in runs.Snapshot().Where(r => !keys.Contains(r.Record.Run.Key)))
            {
                await EndAsync(runs, stale, "the rollout no longer runs this analysis", ct);
            }

            IReadOnlyList<AnalysisTemplate>? templates = null;
            foreach (var request in wanted.Where(w => !runs.Contains(w.Key)))
            {
                templates ??= await store.ListTemplatesAsync(ct);
                var record = await store.CreateAnalysisRunAsync(app.App, app.Environment, NewRun(app, status, request, templates), ct);
                var active = new ActiveRun(record, await ArtifactDirectoryAsync(app, request.Key.Revision, ct), CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
                runs.Add(active);
                Log.RunStarted(logger, app.App, app.Environment, request.Key.ToString(), record.Id);
                Start(key, runs, active);
                queue.Add(key); // the planner learns the run's state (a stored run may have decided already)
            }
        }
        finally
        {
            runs.Gate.Release();
        }

        if (wanted.Count == 0)
        {
            _apps.TryRemove(new KeyValuePair<AppKey, AppRuns>(key, runs));
        }
    }

    /// <summary>Ends every run of an app×env that was deleted.</summary>
    public Task ForgetAsync(AppKey key, CancellationToken ct) =>
        _apps.TryGetValue(key, out var runs) ? EndAllAsync(key, runs, ct) : Task.CompletedTask;

    /// <summary>Takes back every unfinished run after a restart, before the first pass, so plans see their state.</summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        foreach (var record in await store.ListUnfinishedAnalysisRunsAsync(ct))
        {
            var key = new AppKey(record.App, record.Environment);
            var app = await store.GetAppAsync(record.App, record.Environment, ct);
            var runs = _apps.GetOrAdd(key, _ => new AppRuns());
            var active = new ActiveRun(record, app is null ? null : await ArtifactDirectoryAsync(app, record.Run.Key.Revision, ct), CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            runs.Add(active);
            Log.RunResumed(logger, record.App, record.Environment, record.Run.Key.ToString(), record.Id);
            Start(key, runs, active);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_apps.Values.SelectMany(r => r.Snapshot()).Select(r => r.Loop));
        _stopping.Dispose();
    }

    private AnalysisRun NewRun(AppRecord app, RolloutStatus status, AnalysisRunRequest request, IReadOnlyList<AnalysisTemplate> templates)
    {
        var now = time.GetUtcNow();
        var resolved = AnalysisResolver.Resolve(
            request.Analysis,
            templates.ToDictionary(t => t.Name, StringComparer.Ordinal),
            new AnalysisBuiltIns(app.App, app.Environment, request.Key.Revision, status.StableRevision));
        var run = AnalysisRun.Start(request.Key, status.StableRevision, resolved.Metrics, now);
        if (resolved.Errors.Count == 0)
        {
            return run;
        }

        // A template deleted or changed since the apply: the run cannot measure, which fails it as an error would.
        var error = string.Join("; ", resolved.Errors);
        var failed = new Measurement("analysis", AnalysisPhase.Error, now, now) { Message = error };
        var status0 = new MetricStatus("analysis", AnalysisPhase.Error, 0, 0, 0, 0, 1, 1, 0, false, error, null, failed, failed);
        return run with { MetricStatuses = [status0], FinishedAt = now };
    }

    private void Start(AppKey key, AppRuns runs, ActiveRun active) =>
        active.Loop = Task.Run(() => MeasureLoopAsync(key, runs, active));

    private async Task MeasureLoopAsync(AppKey key, AppRuns runs, ActiveRun active)
    {
        var ct = active.Stop.Token;
        try
        {
            while (active.Record.Run.NextMeasurementAt() is { } due)
            {
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct);
                }

                await MeasureDueAsync(key, active, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The run stays unfinished in the store; the next server start resumes it.
            Log.LoopFailed(logger, key.App, key.Environment, active.Record.Id, e);
        }
    }

    /// <summary>Takes every measurement due now, side by side, and records each with the run's new state.</summary>
    private async Task MeasureDueAsync(AppKey key, ActiveRun active, CancellationToken ct)
    {
        var run = active.Record.Run;
        var now = time.GetUtcNow();
        var due = run.Metrics
            .Select((metric, i) => (Metric: metric, Status: run.MetricStatuses[i]))
            .Where(m => MetricAssessment.NextMeasurementAt(m.Metric, m.Status, run.StartedAt) <= now)
            .ToList();
        var target = Target(key, active);
        var measured = await Task.WhenAll(due.Select(m => MeasureAsync(m.Metric, new MeasureRequest(m.Metric, target, run.StartedAt, m.Status.Measured + 1), ct)));

        var before = run.State;
        for (var i = 0; i < due.Count; i++)
        {
            run = run.Record(due[i].Metric, measured[i]);
            var record = active.Record with { Run = run };
            await store.SaveAnalysisRunAsync(record, measured[i], ct);
            active.Record = record;
        }

        var after = run.State;
        if (after.Phase != before.Phase || after.HasEvidence != before.HasEvidence)
        {
            Log.RunChanged(logger, key.App, key.Environment, run.Key.ToString(), after.Phase.ToString(), after.Message ?? "");
            queue.Add(key);
        }
    }

    private async Task<Measurement> MeasureAsync(MetricSpec metric, MeasureRequest request, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        ProviderResult read;
        try
        {
            read = await providers.MeasureAsync(request, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            read = ProviderResult.Failed($"the {metric.Provider.GetType().Name} failed: {e.Message}");
        }

        return MeasurementDecider.Decide(metric, read, started, time.GetUtcNow());
    }

    /// <summary>What a measurement judges: the run's revision, and one of its ready instances for jobs to call.</summary>
    private AnalysisTarget Target(AppKey key, ActiveRun active)
    {
        var run = active.Record.Run;
        var ready = target.InstancesOf(key).FirstOrDefault(i => i.Revision == run.Key.Revision && i.Ready);
        return new AnalysisTarget(key.App, key.Environment, run.Key.Revision, run.StableRevision, active.ArtifactDirectory, ready is null ? null : $"http://{ready.Endpoint}");
    }

    private async Task<string?> ArtifactDirectoryAsync(AppRecord app, int revision, CancellationToken ct)
    {
        var record = (await store.ListRevisionsAsync(app.App, app.Environment, ct)).FirstOrDefault(r => r.Number == revision);
        // An image revision has no directory: its jobs run in a scratch directory, as jobs of a deleted app do.
        return record?.Template.Artifact is { IsImage: false } artifact ? artifact.Digest is { } digest ? artifacts.PathFor(digest) : artifact.Path : null;
    }

    private async Task EndAsync(AppRuns runs, ActiveRun active, string why, CancellationToken ct)
    {
        await active.Stop.CancelAsync();
        await active.Loop;
        active.Stop.Dispose();
        runs.Remove(active);
        if (!active.Record.Run.IsFinished)
        {
            var ended = active.Record with { Run = active.Record.Run.Terminate(time.GetUtcNow(), why) };
            await store.SaveAnalysisRunAsync(ended, null, ct);
            Log.RunEnded(logger, ended.App, ended.Environment, ended.Run.Key.ToString(), why);
        }
    }

    private async Task EndAllAsync(AppKey key, AppRuns runs, CancellationToken ct)
    {
        await runs.Gate.WaitAsync(ct);
        try
        {
            foreach (var active in runs.Snapshot())
            {
                await EndAsync(runs, active, "the app was deleted", ct);
            }
        }
        finally
        {
            runs.Gate.Release();
        }

        _apps.TryRemove(new KeyValuePair<AppKey, AppRuns>(key, runs));
    }

    /// <summary>The runs of one app×env, by key; <see cref="Gate"/> serialises the syncs of that app×env.</summary>
    private sealed class AppRuns
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Dictionary<AnalysisRunKey, ActiveRun> Active { get; } = [];

        public bool Contains(AnalysisRunKey key)
        {
            lock (this)
            {
                return Active.ContainsKey(key);
            }
        }

        public void Add(ActiveRun run)
        {
            lock (this)
            {
                Active[run.Record.Run.Key] = run;
            }
        }

        public void Remove(ActiveRun run)
        {
            lock (this)
            {
                Active.Remove(run.Record.Run.Key);
            }
        }

        public List<ActiveRun> Snapshot()
        {
            lock (this)
            {
                return [.. Active.Values];
            }
        }
    }

    /// <summary>A run with its measuring loop; <see cref="Record"/> is replaced (never mutated) after each measurement.</summary>
    private sealed class ActiveRun(AnalysisRunRecord record, string? artifactDirectory, CancellationTokenSource stop)
    {
        public AnalysisRunRecord Record { get; set; } = record;

        public string? ArtifactDirectory => artifactDirectory;

        public CancellationTokenSource Stop => stop;

        public Task Loop { get; set; } = Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{App}/{Env}: {Run} started (run {Id})")]
        public static partial void RunStarted(ILogger logger, string app, string env, string run, long id);

        [LoggerMessage(2, LogLevel.Information, "{App}/{Env}: {Run} resumed (run {Id})")]
        public static partial void RunResumed(ILogger logger, string app, string env, string run, long id);

        [LoggerMessage(3, LogLevel.Information, "{App}/{Env}: {Run} is {Phase}: {Message}")]
        public static partial void RunChanged(ILogger logger, string app, string env, string run, string phase, string message);

        [LoggerMessage(4, LogLevel.Information, "{App}/{Env}: {Run} ended: {Why}")]
        public static partial void RunEnded(ILogger logger, string app, string env, string run, string why);

        [LoggerMessage(5, LogLevel.Error, "{App}/{Env}: analysis run {Id} stopped measuring; it resumes when the server starts again")]
        public static partial void LoopFailed(ILogger logger, string app, string env, long id, Exception e);
    }
}
