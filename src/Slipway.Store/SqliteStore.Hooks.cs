using Microsoft.Data.Sqlite;
using Slipway.Core.Hooks;

namespace Slipway.Store;

/// <summary>Hook runs and event hook cursors (see <see cref="IStore"/>).</summary>
public sealed partial class SqliteStore
{
    private const string HookRunColumns = "id, app, env, run";

    public async Task<HookRunRecord> CreateHookRunAsync(string app, string environment, HookRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var stored = await InsertHookRunAsync(connection, transaction, app, environment, run, ct);
        await PruneHookRunsAsync(connection, transaction, app, environment, ct);
        await transaction.CommitAsync(ct);
        return stored;
    }

    public async Task<IReadOnlyList<HookRunRecord>> CreateEventHookRunsAsync(string app, string environment, string hook, IReadOnlyList<HookRun> runs, long deliveredThrough, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runs);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var stored = new List<HookRunRecord>(runs.Count);
        foreach (var run in runs)
        {
            stored.Add(await InsertHookRunAsync(connection, transaction, app, environment, run, ct));
        }

        await ExecuteAsync(connection, transaction,
            """
            INSERT INTO hook_cursors (app, env, hook, event_id) VALUES ($app, $env, $hook, $id)
            ON CONFLICT (app, env, hook) DO UPDATE SET event_id = max(event_id, excluded.event_id)
            """,
            [("$app", app), ("$env", environment), ("$hook", hook), ("$id", deliveredThrough)],
            ct);
        if (runs.Count > 0)
        {
            await PruneHookRunsAsync(connection, transaction, app, environment, ct);
        }

        await transaction.CommitAsync(ct);
        return stored;
    }

    public async Task<long?> GetHookCursorAsync(string app, string environment, string hook, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var rows = await QueryAsync(connection, "SELECT event_id FROM hook_cursors WHERE app = $app AND env = $env AND hook = $hook",
            [("$app", app), ("$env", environment), ("$hook", hook)], r => r.GetInt64(0), ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task SaveHookRunAsync(HookRunRecord run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);

        // An update only: a run of an app deleted meanwhile stays deleted.
        await ExecuteAsync(connection, transaction, "UPDATE hook_runs SET run = $run, phase = $phase, finished = $finished WHERE id = $id",
            [("$id", run.Id), ("$run", Serialize(run.Run)), ("$phase", run.Run.Phase.ToString()), ("$finished", run.Run.IsFinished ? 1 : 0)], ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<HookRunRecord>> ListHookRunsAsync(string app, string environment, int limit, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, $"SELECT {HookRunColumns} FROM hook_runs WHERE app = $app AND env = $env ORDER BY id DESC LIMIT $limit",
            [("$app", app), ("$env", environment), ("$limit", limit)], ReadHookRun, ct);
    }

    public async Task<IReadOnlyList<HookRunRecord>> ListUnfinishedHookRunsAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, $"SELECT {HookRunColumns} FROM hook_runs WHERE finished = 0 ORDER BY id", [], ReadHookRun, ct);
    }

    public async Task<IReadOnlyList<HookRunRecord>> ListIrreversibleHookRunsAsync(string app, string environment, int? revision, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            $"""
            SELECT {HookRunColumns} FROM hook_runs
            WHERE app = $app AND env = $env AND irreversible = 1 AND phase = 'Succeeded' AND ($revision IS NULL OR revision = $revision)
            ORDER BY id
            """,
            [("$app", app), ("$env", environment), ("$revision", revision)],
            ReadHookRun,
            ct);
    }

    public async Task<IReadOnlyList<EventRecord>> ListEventsAfterAsync(string app, string environment, long afterId, int limit, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            "SELECT id, app, env, revision, time, reason, message FROM events WHERE app = $app AND env = $env AND id > $after ORDER BY id LIMIT $limit",
            [("$app", app), ("$env", environment), ("$after", afterId), ("$limit", limit)],
            r => new EventRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), ReadTime(r, 4), r.GetString(5), r.GetString(6)),
            ct);
    }

    /// <summary>Inserts the run unless one with its key is stored; returns the one stored.</summary>
    private static async Task<HookRunRecord> InsertHookRunAsync(SqliteConnection connection, SqliteTransaction transaction, string app, string environment, HookRun run, CancellationToken ct)
    {
        var key = run.Key;
        (string, object?)[] keyParameters =
        [
            ("$app", app), ("$env", environment), ("$type", key.Type.ToString()), ("$hook", key.Hook), ("$revision", key.Revision),
            ("$started", key.RolloutStartedAt.ToUniversalTime().ToString("O")), ("$event", key.EventId),
        ];
        await ExecuteAsync(connection, transaction,
            """
            INSERT INTO hook_runs (app, env, type, hook, revision, rollout_started_at, event_id, phase, irreversible, finished, run)
            VALUES ($app, $env, $type, $hook, $revision, $started, $event, $phase, $irreversible, $finished, $run)
            ON CONFLICT DO NOTHING
            """,
            [.. keyParameters, ("$phase", run.Phase.ToString()), ("$irreversible", run.Irreversible ? 1 : 0), ("$finished", run.IsFinished ? 1 : 0), ("$run", Serialize(run))],
            ct);
        return (await QueryAsync(
            connection,
            $"""
            SELECT {HookRunColumns} FROM hook_runs WHERE app = $app AND env = $env AND type = $type AND hook = $hook AND revision = $revision
            AND rollout_started_at = $started AND event_id = $event
            """,
            keyParameters,
            ReadHookRun,
            ct)).Single();
    }

    /// <summary>
    /// Bounded per app×env: the newest runs stay, and never one still to finish, nor a succeeded irreversible one whose
    /// revision is kept (a rollback past it must still be told what it cannot undo).
    /// </summary>
    private async Task PruneHookRunsAsync(SqliteConnection connection, SqliteTransaction transaction, string app, string environment, CancellationToken ct) =>
        await ExecuteAsync(connection, transaction,
            """
            DELETE FROM hook_runs WHERE app = $app AND env = $env AND finished = 1
            AND NOT (irreversible = 1 AND phase = 'Succeeded' AND revision IN (SELECT number FROM revisions WHERE app = $app AND env = $env))
            AND id <= (SELECT id FROM hook_runs WHERE app = $app AND env = $env ORDER BY id DESC LIMIT 1 OFFSET $keep)
            """,
            [("$app", app), ("$env", environment), ("$keep", _options.HookRunsPerApp)],
            ct);

    private static HookRunRecord ReadHookRun(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Deserialize<HookRun>(r.GetString(3)));
}
