using Microsoft.Data.Sqlite;
using Slipway.Core.Analysis;

namespace Slipway.Store;

/// <summary>Analysis templates, runs and measurements (see <see cref="IStore"/>).</summary>
public sealed partial class SqliteStore
{
    public async Task<IReadOnlyList<AnalysisTemplate>> ListTemplatesAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT spec FROM analysis_templates ORDER BY name", [], r => Deserialize<AnalysisTemplate>(r.GetString(0)), ct);
    }

    public async Task<bool> DeleteTemplateAsync(string name, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM analysis_templates WHERE name = $name", [("$name", name)], ct);
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }

    public async Task<AnalysisRunRecord> CreateAnalysisRunAsync(string app, string environment, AnalysisRun run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var key = run.Key;
        (string, object?)[] keyParameters =
        [
            ("$app", app), ("$env", environment), ("$kind", key.Kind.ToString()), ("$revision", key.Revision), ("$step", key.Step),
            ("$started", key.RolloutStartedAt.ToUniversalTime().ToString("O")), ("$attempt", key.Attempt),
        ];
        await ExecuteAsync(connection, transaction,
            """
            INSERT INTO analysis_runs (app, env, kind, revision, step, rollout_started_at, attempt, run, finished)
            VALUES ($app, $env, $kind, $revision, $step, $started, $attempt, $run, $finished)
            ON CONFLICT DO NOTHING
            """,
            [.. keyParameters, ("$run", Serialize(run)), ("$finished", run.IsFinished ? 1 : 0)],
            ct);
        var stored = (await QueryAsync(
            connection,
            """
            SELECT id, app, env, run FROM analysis_runs WHERE app = $app AND env = $env AND kind = $kind AND revision = $revision
            AND step = $step AND rollout_started_at = $started AND attempt = $attempt
            """,
            keyParameters,
            ReadRun,
            ct)).Single();

        // Bounded per app×env: the newest runs stay, and never one still measuring.
        await ExecuteAsync(connection, transaction,
            """
            DELETE FROM analysis_runs WHERE app = $app AND env = $env AND finished = 1 AND id <= (
                SELECT id FROM analysis_runs WHERE app = $app AND env = $env ORDER BY id DESC LIMIT 1 OFFSET $keep)
            """,
            [("$app", app), ("$env", environment), ("$keep", _options.AnalysisRunsPerApp)],
            ct);
        await transaction.CommitAsync(ct);
        return stored;
    }

    public async Task SaveAnalysisRunAsync(AnalysisRunRecord run, Measurement? measurement, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, transaction, "UPDATE analysis_runs SET run = $run, finished = $finished WHERE id = $id",
            [("$id", run.Id), ("$run", Serialize(run.Run)), ("$finished", run.Run.IsFinished ? 1 : 0)], ct);
        if (measurement is not null)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO measurements (run_id, metric, measurement) VALUES ($id, $metric, $measurement)",
                [("$id", run.Id), ("$metric", measurement.Metric), ("$measurement", Serialize(measurement))], ct);
            await ExecuteAsync(connection, transaction,
                """
                DELETE FROM measurements WHERE run_id = $id AND metric = $metric AND id <= (
                    SELECT id FROM measurements WHERE run_id = $id AND metric = $metric ORDER BY id DESC LIMIT 1 OFFSET $keep)
                """,
                [("$id", run.Id), ("$metric", measurement.Metric), ("$keep", _options.MeasurementsPerMetric)],
                ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<AnalysisRunRecord>> ListAnalysisRunsAsync(string app, string environment, int limit, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT id, app, env, run FROM analysis_runs WHERE app = $app AND env = $env ORDER BY id DESC LIMIT $limit",
            [("$app", app), ("$env", environment), ("$limit", limit)], ReadRun, ct);
    }

    public async Task<IReadOnlyList<AnalysisRunRecord>> ListUnfinishedAnalysisRunsAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT id, app, env, run FROM analysis_runs WHERE finished = 0 ORDER BY id", [], ReadRun, ct);
    }

    public async Task<IReadOnlyList<Measurement>> ListMeasurementsAsync(long runId, int perMetric, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(
            connection,
            """
            SELECT measurement FROM (
                SELECT measurement, id, row_number() OVER (PARTITION BY metric ORDER BY id DESC) AS newest
                FROM measurements WHERE run_id = $id)
            WHERE newest <= $limit ORDER BY id
            """,
            [("$id", runId), ("$limit", perMetric)],
            r => Deserialize<Measurement>(r.GetString(0)),
            ct);
    }

    private async Task SaveTemplatesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<AnalysisTemplate> templates, CancellationToken ct)
    {
        foreach (var template in templates)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO analysis_templates (name, spec, updated_at) VALUES ($name, $spec, $now) ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
                [("$name", template.Name), ("$spec", Serialize(template)), ("$now", _time.GetUtcNow().ToString("O"))],
                ct);
        }
    }

    private static AnalysisRunRecord ReadRun(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Deserialize<AnalysisRun>(r.GetString(3)));
}
