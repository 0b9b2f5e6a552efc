using Microsoft.Extensions.Logging;
using Slipway.Local.Logs;
using Slipway.Server.Targets;
using Slipway.Store;

namespace Slipway.Server.Housekeeping;

/// <summary>
/// Deletes instance logs (<c>logs/{app}/{env}/{revision}/</c>, see <see cref="LogLayout"/>) nobody can ask for any
/// more: those of app×envs no longer in the store and those of revisions no longer in it (let go by the history
/// limit) — once no instance of theirs runs, since a running instance still writes its log. The supervisor's own
/// retention (the newest revisions' logs per app×env) goes on beside this.
/// </summary>
/// <remarks>
/// The directories are listed before the store is read: a revision whose log directory exists was saved before its
/// first instance started, so a directory listed is never taken for garbage because its revision is newer than the
/// read. Instances are looked at again just before each deletion.
/// </remarks>
internal sealed partial class LogCollector(string logRoot, IStore store, ITarget target, ILogger<LogCollector> logger)
{
    /// <returns>The directories deleted: an app×env's whole directory, or one revision's.</returns>
    public async Task<IReadOnlyList<string>> CollectAsync(CancellationToken ct)
    {
        var onDisk = LogLayout.Environments(logRoot)
            .Select(e => (e.App, e.Environment, Revisions: LogLayout.Revisions(logRoot, e.App, e.Environment)))
            .ToList();
        if (onDisk.Count == 0)
        {
            return [];
        }

        var apps = (await store.ListAppsAsync(ct)).Select(a => (a.App, a.Environment)).ToHashSet();
        var revisions = (await store.ListRevisionSummariesAsync(ct)).Select(r => (r.App, r.Environment, r.Number)).ToHashSet();
        var deleted = new List<string>();
        foreach (var (app, environment, revisionDirectories) in onDisk)
        {
            ct.ThrowIfCancellationRequested();
            if (!apps.Contains((app, environment)))
            {
                if (TryDeleteEnvironment(app, environment) is { } path)
                {
                    deleted.Add(path);
                }

                continue;
            }

            foreach (var (revision, path) in revisionDirectories.Where(r => !revisions.Contains((app, environment, r.Revision))))
            {
                if (!Runs(app, environment, revision) && TryDelete(path))
                {
                    deleted.Add(path);
                    Log.RevisionLogsDeleted(logger, app, environment, revision);
                }
            }
        }

        return deleted;
    }

    /// <summary>
    /// The logs of a deleted app×env, once its instances have stopped. Done (true) when they are gone, or when the
    /// app×env is in the store again (applied anew: its logs are its own again); false while an instance still runs.
    /// </summary>
    public async Task<bool> CollectDeletedAsync(string app, string environment, CancellationToken ct)
    {
        if (await store.GetAppAsync(app, environment, ct) is not null)
        {
            return true;
        }

        if (Runs(app, environment, revision: null))
        {
            return false;
        }

        TryDeleteEnvironment(app, environment);
        return true;
    }

    private string? TryDeleteEnvironment(string app, string environment)
    {
        var path = LogLayout.EnvironmentDirectory(logRoot, app, environment);
        if (Runs(app, environment, revision: null) || !TryDelete(path))
        {
            return null;
        }

        Log.AppLogsDeleted(logger, app, environment);
        var appDirectory = Path.GetDirectoryName(path)!;
        try
        {
            if (Directory.Exists(appDirectory) && !Directory.EnumerateFileSystemEntries(appDirectory).Any())
            {
                Directory.Delete(appDirectory);
            }
        }
        catch (IOException)
        {
            // Another environment of the app appeared meanwhile: the directory stays.
        }

        return path;
    }

    private bool Runs(string app, string environment, int? revision) =>
        target.Instances.Any(i => i.App == app && i.Environment == environment && (revision is null || i.Revision == revision));

    private bool TryDelete(string path)
    {
        try
        {
            if (!Directory.Exists(path))
            {
                return false;
            }

            Directory.Delete(path, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // This directory only; the next pass tries again.
            Log.DeleteFailed(logger, path, e);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{App}/{Env}: logs deleted (the app is no longer in this environment)")]
        public static partial void AppLogsDeleted(ILogger logger, string app, string env);

        [LoggerMessage(2, LogLevel.Information, "{App}/{Env}: logs of revision {Revision} deleted (the revision is no longer kept)")]
        public static partial void RevisionLogsDeleted(ILogger logger, string app, string env, int revision);

        [LoggerMessage(3, LogLevel.Warning, "Logs {Path} could not be deleted")]
        public static partial void DeleteFailed(ILogger logger, string path, Exception e);
    }
}
