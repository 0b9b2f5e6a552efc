using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Slipway.Core.Analysis;
using Slipway.Core.Rollouts;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Store.Schema;

namespace Slipway.Store;

/// <summary>The embedded store: one SQLite file in the data directory, WAL mode, a connection per call.</summary>
public sealed partial class SqliteStore : IStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly StoreOptions _options;

    // Events added per app×env since its last prune (see SaveStatusAsync); absent until its first write after opening.
    private readonly ConcurrentDictionary<(string App, string Env), int> _unpruned = new();

    private SqliteStore(string connectionString, TimeProvider time, StoreOptions options)
    {
        _connectionString = connectionString;
        _time = time;
        _options = options;
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/>, creating it when there is none, and migrates its schema
    /// forward to the newest version (see <see cref="Migrations"/>).
    /// </summary>
    /// <exception cref="SchemaTooNewException">A newer Slipway wrote it; it was left untouched.</exception>
    /// <exception cref="StoreOpenException">It is not a store this Slipway can open (not a database,
    /// a migration failed); the message says which file and why.</exception>
    public static Task<SqliteStore> OpenAsync(string path, TimeProvider time, CancellationToken ct) =>
        OpenAsync(path, time, StoreOptions.Default, ct);

    /// <summary>Opens the store with the bounds in <paramref name="options"/>; see <see cref="OpenAsync(string, TimeProvider, CancellationToken)"/>.</summary>
    public static Task<SqliteStore> OpenAsync(string path, TimeProvider time, StoreOptions options, CancellationToken ct) =>
        OpenAsync(path, time, Migrations.All, ct, options);

    /// <summary>Opens the store with a given migration list: the seam tests use to add versions.</summary>
    internal static async Task<SqliteStore> OpenAsync(string path, TimeProvider time, IReadOnlyList<Migration> migrations, CancellationToken ct, StoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(time);
        options ??= StoreOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.EventsPerApp, 1, nameof(options));
        var migrator = new SchemaMigrator(path, migrations);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30, Pooling = true };
        var store = new SqliteStore(builder.ToString(), time, options);
        try
        {
            await using var connection = new SqliteConnection(store._connectionString);
            await connection.OpenAsync(ct);

            // Refuse a newer store before the first write: even setting the journal mode writes to the file.
            await migrator.RefuseNewerAsync(connection, ct);
            await ConfigureAsync(connection, ct);
            await migrator.MigrateAsync(connection, ct);
        }
        catch (SqliteException e)
        {
            throw new StoreOpenException(path, $"cannot open the store {path}: {e.Message}", e);
        }

        return store;
    }

    public async Task<IReadOnlyList<AppRecord>> ListAppsAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT app, env, uid, spec, desired_revision, created_at, updated_at FROM apps ORDER BY app, env", [], ReadApp, ct);
    }

    public async Task<AppRecord?> GetAppAsync(string app, string environment, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var rows = await QueryAsync(connection, "SELECT app, env, uid, spec, desired_revision, created_at, updated_at FROM apps WHERE app = $app AND env = $env", [("$app", app), ("$env", environment)], ReadApp, ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<RevisionRecord>> ListRevisionsAsync(string app, string environment, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            "SELECT app, env, number, template, template_hash, change_cause, created_at FROM revisions WHERE app = $app AND env = $env ORDER BY number",
            [("$app", app), ("$env", environment)],
            r => new RevisionRecord(r.GetString(0), r.GetString(1), r.GetInt32(2), Deserialize<InstanceTemplate>(r.GetString(3)), r.GetString(4), r.GetString(5), ReadTime(r, 6)),
            ct);
    }

    public async Task<IReadOnlyList<RevisionSummary>> ListRevisionSummariesAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            "SELECT app, env, number, json_extract(template, '$.artifact.digest') FROM revisions ORDER BY app, env, number",
            [],
            r => new RevisionSummary(r.GetString(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3)),
            ct);
    }

    public async Task<int> DeleteRevisionsAsync(string app, string environment, IReadOnlyCollection<int> numbers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (numbers.Count == 0)
        {
            return 0;
        }

        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var deleted = await ExecuteAsync(connection, transaction,
            """
            DELETE FROM revisions WHERE app = $app AND env = $env AND number IN (SELECT value FROM json_each($numbers))
            AND number IS NOT (SELECT desired_revision FROM apps WHERE app = $app AND env = $env)
            """,
            [("$app", app), ("$env", environment), ("$numbers", JsonSerializer.Serialize(numbers))],
            ct);
        await PruneSecretValuesAsync(connection, transaction, environment, ct); // values only those revisions pinned
        await transaction.CommitAsync(ct);
        return deleted;
    }

    public async Task<RolloutStatus> GetStatusAsync(string app, string environment, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var rows = await QueryAsync(connection, "SELECT status FROM rollouts WHERE app = $app AND env = $env", [("$app", app), ("$env", environment)], r => Deserialize<RolloutStatus>(r.GetString(0)), ct);
        return rows.Count == 0 ? RolloutStatus.Empty : rows[0];
    }

    public async Task<IReadOnlyList<EventRecord>> ListEventsAsync(string app, string environment, int limit, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var rows = await QueryAsync(
            connection,
            "SELECT id, app, env, revision, time, reason, message FROM events WHERE app = $app AND env = $env ORDER BY id DESC LIMIT $limit",
            [("$app", app), ("$env", environment), ("$limit", limit)],
            r => new EventRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), ReadTime(r, 4), r.GetString(5), r.GetString(6)),
            ct);
        rows.Reverse();
        return rows;
    }

    public Task SaveAppAsync(AppRecord app, RevisionRecord? newRevision, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct) =>
        SaveAppsAsync([new AppChange(app, newRevision, status, events)], ct);

    public Task SaveAppsAsync(IReadOnlyList<AppChange> changes, CancellationToken ct) => SaveAppsAsync(changes, [], ct);

    public Task SaveAppsAsync(IReadOnlyList<AppChange> changes, IReadOnlyList<AnalysisTemplate> templates, CancellationToken ct) =>
        SaveAppsAsync(changes, templates, [], ct);

    /// <summary>The apps and templates of an apply, within the caller's transaction (which also saves its policies).</summary>
    private async Task SaveAppsAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<AppChange> changes, IReadOnlyList<AnalysisTemplate> templates, CancellationToken ct)
    {
        await SaveTemplatesAsync(connection, transaction, templates, ct);
        foreach (var (app, newRevision, status, events) in changes)
        {
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO apps (app, env, uid, spec, desired_revision, created_at, updated_at) VALUES ($app, $env, $uid, $spec, $desired, $created, $updated)
                ON CONFLICT (app, env) DO UPDATE SET uid = excluded.uid, spec = excluded.spec, desired_revision = excluded.desired_revision, updated_at = excluded.updated_at
                """,
                [("$app", app.App), ("$env", app.Environment), ("$uid", app.Uid), ("$spec", Serialize(app.Spec)), ("$desired", app.DesiredRevision), ("$created", app.CreatedAt.ToString("O")), ("$updated", app.UpdatedAt.ToString("O"))],
                ct);
            if (newRevision is not null)
            {
                await ExecuteAsync(connection, transaction,
                    "INSERT INTO revisions (app, env, number, template, template_hash, change_cause, created_at) VALUES ($app, $env, $number, $template, $hash, $cause, $created)",
                    [("$app", newRevision.App), ("$env", newRevision.Environment), ("$number", newRevision.Number), ("$template", Serialize(newRevision.Template)), ("$hash", newRevision.TemplateHash), ("$cause", newRevision.ChangeCause), ("$created", newRevision.CreatedAt.ToString("O"))],
                    ct);
            }

            await SaveStatusAsync(connection, transaction, app.App, app.Environment, status, events, ct);
        }
    }

    public async Task DeleteAppAsync(string app, string environment, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        foreach (var table in new[] { "apps", "revisions", "rollouts", "events", "analysis_runs", "hook_runs", "hook_cursors", "slo_minutes", "slo_hours", "slo_progress" })
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE app = $app AND env = $env", [("$app", app), ("$env", environment)], ct);
        }

        await PruneSecretValuesAsync(connection, transaction, environment, ct); // values only its revisions pinned
        await transaction.CommitAsync(ct);
        _unpruned.TryRemove((app, environment), out _);
    }

    public async Task SaveStatusAsync(string app, string environment, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await SaveStatusAsync(connection, transaction, app, environment, status, events, ct);
        await transaction.CommitAsync(ct);
    }

    private async Task SaveStatusAsync(SqliteConnection connection, SqliteTransaction transaction, string app, string environment, RolloutStatus status, IReadOnlyList<NewEvent> events, CancellationToken ct)
    {
        var now = _time.GetUtcNow().ToString("O");
        await ExecuteAsync(connection, transaction,
            "INSERT INTO rollouts (app, env, status, updated_at) VALUES ($app, $env, $status, $now) ON CONFLICT (app, env) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            [("$app", app), ("$env", environment), ("$status", Serialize(status)), ("$now", now)],
            ct);
        foreach (var e in events)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO events (app, env, revision, time, reason, message) VALUES ($app, $env, $revision, $time, $reason, $message)",
                [("$app", app), ("$env", environment), ("$revision", e.Revision), ("$time", now), ("$reason", e.Reason), ("$message", e.Message)],
                ct);
        }

        if (events.Count > 0)
        {
            await PruneEventsAsync(connection, transaction, app, environment, events.Count, ct);
        }
    }

    /// <summary>
    /// The event retention, in the transaction that adds events: everything from the (N+1)th newest event of the
    /// app×env down. Finding that event walks N entries of the (app, env, id) index, which costs more than the insert
    /// itself, so it runs once every <see cref="StoreOptions.PruneEvery"/> events of the app×env (and at its first
    /// write after the store is opened, which also bounds a store written before the retention existed).
    /// </summary>
    private async Task PruneEventsAsync(SqliteConnection connection, SqliteTransaction transaction, string app, string environment, int added, CancellationToken ct)
    {
        var key = (app, environment);
        var pending = _unpruned.AddOrUpdate(key, _options.PruneEvery, (_, n) => n + added);
        if (pending < _options.PruneEvery)
        {
            return;
        }

        await ExecuteAsync(connection, transaction,
            """
            DELETE FROM events WHERE app = $app AND env = $env AND id <= (
                SELECT id FROM events WHERE app = $app AND env = $env ORDER BY id DESC LIMIT 1 OFFSET $keep)
            """,
            [("$app", app), ("$env", environment), ("$keep", _options.EventsPerApp)],
            ct);

        // Events other writes added meanwhile stay counted.
        _unpruned.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - pending));
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await ConfigureAsync(connection, ct);
        return connection;
    }

    private static async Task ConfigureAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
        await pragma.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        AddParameters(command, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        AddParameters(command, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameters(SqliteCommand command, (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static AppRecord ReadApp(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Deserialize<ApplicationSpec>(r.GetString(3)), r.GetInt32(4), ReadTime(r, 5), ReadTime(r, 6));

    private static DateTimeOffset ReadTime(SqliteDataReader r, int ordinal) =>
        DateTimeOffset.Parse(r.GetString(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, SlipwayJson.Options);

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, SlipwayJson.Options) ?? throw new InvalidDataException($"stored {typeof(T).Name} is null");
}
