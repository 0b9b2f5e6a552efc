using Microsoft.Data.Sqlite;
using Slipway.Core.Images;
using Slipway.Store.Schema;

namespace Slipway.Store;

/// <summary>
/// Image policies (see <see cref="IStore"/>): the <c>kind: ImagePolicy</c> documents applied, by name, each as its
/// JSON, saved in the transaction of the apply that carried them.
/// </summary>
public sealed partial class SqliteStore
{
    internal static readonly Migration PoliciesMigration = Migration.Sql(8, "image policies", """
        CREATE TABLE image_policies (name TEXT NOT NULL PRIMARY KEY, spec TEXT NOT NULL, updated_at TEXT NOT NULL);
        """);

    public async Task SaveAppsAsync(IReadOnlyList<AppChange> changes, IReadOnlyList<Core.Analysis.AnalysisTemplate> templates, IReadOnlyList<ImagePolicy> policies, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(policies);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await SavePoliciesAsync(connection, transaction, policies, ct);
        await SaveAppsAsync(connection, transaction, changes, templates, ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<ImagePolicyRecord>> ListImagePoliciesAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT spec, updated_at FROM image_policies ORDER BY name", [],
            r => new ImagePolicyRecord(Deserialize<ImagePolicy>(r.GetString(0)), ReadTime(r, 1)), ct);
    }

    public async Task<bool> DeleteImagePolicyAsync(string name, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM image_policies WHERE name = $name", [("$name", name)], ct);
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }

    /// <summary>
    /// Inserts or replaces each policy; one applied again unchanged keeps its time, so that a policy's age says when
    /// what it requires last changed, not when git was last synced.
    /// </summary>
    private async Task SavePoliciesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<ImagePolicy> policies, CancellationToken ct)
    {
        foreach (var policy in policies)
        {
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO image_policies (name, spec, updated_at) VALUES ($name, $spec, $now)
                ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at WHERE image_policies.spec <> excluded.spec
                """,
                [("$name", policy.Name), ("$spec", Serialize(policy)), ("$now", _time.GetUtcNow().ToString("O"))],
                ct);
        }
    }
}
