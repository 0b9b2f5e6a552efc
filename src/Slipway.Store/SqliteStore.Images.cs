using System.Text.Json;
using Microsoft.Data.Sqlite;
using Slipway.Store.Schema;

namespace Slipway.Store;

/// <summary>
/// Images (see <see cref="IStore"/>): those Slipway built, promoted or pinned, by digest; the packages their SBOMs
/// list; promotions; signing keys; vulnerability exceptions.
/// </summary>
public sealed partial class SqliteStore
{
    internal static readonly Migration ImagesMigration = Migration.Sql(7, "images, their packages, promotions, signing keys, vulnerability exceptions", """
        CREATE TABLE images (
            name TEXT NOT NULL, digest TEXT NOT NULL, tags TEXT NOT NULL, origin TEXT NOT NULL,
            recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, details TEXT NOT NULL,
            PRIMARY KEY (name, digest));
        CREATE INDEX images_by_digest ON images (digest);
        CREATE TABLE image_packages (
            digest TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, purl TEXT NOT NULL,
            PRIMARY KEY (digest, purl));
        CREATE INDEX image_packages_by_name ON image_packages (name, version);
        CREATE TABLE image_promotions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, source_digest TEXT NOT NULL,
            destination TEXT NOT NULL, destination_digest TEXT NOT NULL, env TEXT, actor TEXT NOT NULL,
            promoted_at TEXT NOT NULL, details TEXT NOT NULL);
        CREATE TABLE signing_keys (
            name TEXT PRIMARY KEY, public_key TEXT NOT NULL, key_id TEXT NOT NULL, private_key BLOB, master_key_id TEXT,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL);
        CREATE TABLE vulnerability_exceptions (
            id INTEGER PRIMARY KEY AUTOINCREMENT, env TEXT, advisory TEXT NOT NULL, package TEXT, reason TEXT NOT NULL,
            expires_at TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL);
        """);

    private const string ImageColumns = "name, digest, tags, origin, recorded_at, recorded_by, details";

    public async Task SaveImageAsync(ImageRecord image, IReadOnlyList<ImagePackageRecord>? packages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(image);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var known = await QueryAsync(connection, "SELECT tags FROM images WHERE name = $name AND digest = $digest",
            [("$name", image.Name), ("$digest", image.Digest)], r => ReadTags(r.GetString(0)), ct);

        // Tags accumulate: a tag seen on this digest once stays in its history, where it pointed then.
        var tags = known.SingleOrDefault() is { } before ? [.. before.Union(image.Tags, StringComparer.Ordinal)] : image.Tags;
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO images ({ImageColumns}) VALUES ($name, $digest, $tags, $origin, $at, $by, $details)
            ON CONFLICT (name, digest) DO UPDATE SET tags = excluded.tags, details = excluded.details
            """,
            [("$name", image.Name), ("$digest", image.Digest), ("$tags", JsonSerializer.Serialize(tags)), ("$origin", image.Origin),
             ("$at", image.RecordedAt.ToString("O")), ("$by", image.RecordedBy), ("$details", image.Details)], ct);
        if (packages is not null)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM image_packages WHERE digest = $digest", [("$digest", image.Digest)], ct);
            foreach (var package in packages.DistinctBy(p => p.Purl, StringComparer.Ordinal))
            {
                await ExecuteAsync(connection, transaction,
                    "INSERT INTO image_packages (digest, ecosystem, name, version, purl) VALUES ($digest, $ecosystem, $name, $version, $purl)",
                    [("$digest", image.Digest), ("$ecosystem", package.Ecosystem), ("$name", package.Name), ("$version", package.Version), ("$purl", package.Purl)], ct);
            }
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<ImageRecord>> ListImagesAsync(string? digest, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, $"SELECT {ImageColumns} FROM images WHERE $digest IS NULL OR digest = $digest ORDER BY recorded_at DESC, name",
            [("$digest", digest)], ReadImage, ct);
    }

    public async Task<IReadOnlyList<ImagePackageRecord>> ListImagePackagesAsync(string digest, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT ecosystem, name, version, purl FROM image_packages WHERE digest = $digest ORDER BY ecosystem, name, version",
            [("$digest", digest)], ReadPackage, ct);
    }

    /// <summary>
    /// Every stored revision whose image's SBOM lists a package named <paramref name="package"/> (at
    /// <paramref name="version"/> when given), by app, environment and revision.
    /// </summary>
    public async Task<IReadOnlyList<PackageUse>> FindPackageUsesAsync(string package, string? version, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, """
            SELECT r.app, r.env, r.number, json_extract(r.template, '$.artifact.image'), p.digest, p.ecosystem, p.name, p.version, p.purl
            FROM image_packages p JOIN revisions r ON json_extract(r.template, '$.artifact.digest') = p.digest
            WHERE p.name = $name AND ($version IS NULL OR p.version = $version)
            ORDER BY r.app, r.env, r.number
            """,
            [("$name", package), ("$version", version)],
            r => new PackageUse(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4),
                new ImagePackageRecord(r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8))),
            ct);
    }

    public async Task<PromotionRecord> SavePromotionAsync(PromotionRecord promotion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(promotion);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO image_promotions (source, source_digest, destination, destination_digest, env, actor, promoted_at, details)
            VALUES ($source, $sourceDigest, $destination, $destinationDigest, $env, $actor, $at, $details)
            """,
            [("$source", promotion.Source), ("$sourceDigest", promotion.SourceDigest), ("$destination", promotion.Destination),
             ("$destinationDigest", promotion.DestinationDigest), ("$env", promotion.Environment), ("$actor", promotion.Actor),
             ("$at", promotion.PromotedAt.ToString("O")), ("$details", promotion.Details)], ct);
        var id = (await QueryAsync(connection, "SELECT last_insert_rowid()", [], r => r.GetInt64(0), ct))[0];
        await transaction.CommitAsync(ct);
        return promotion with { Id = id };
    }

    public async Task<IReadOnlyList<PromotionRecord>> ListPromotionsAsync(string? digest, int limit, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, """
            SELECT id, source, source_digest, destination, destination_digest, env, actor, promoted_at, details FROM image_promotions
            WHERE $digest IS NULL OR source_digest = $digest OR destination_digest = $digest ORDER BY id DESC LIMIT $limit
            """,
            [("$digest", digest), ("$limit", limit)],
            r => new PromotionRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.GetString(6), ReadTime(r, 7), r.GetString(8)),
            ct);
    }

    public async Task<bool> AddSigningKeyAsync(SigningKeyRecord key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var added = await ExecuteAsync(connection, transaction, """
            INSERT INTO signing_keys (name, public_key, key_id, private_key, master_key_id, created_at, created_by)
            VALUES ($name, $public, $keyId, $private, $masterKeyId, $at, $by) ON CONFLICT (name) DO NOTHING
            """,
            [("$name", key.Name), ("$public", key.PublicKeyPem), ("$keyId", key.KeyId), ("$private", key.PrivateKey),
             ("$masterKeyId", key.MasterKeyId), ("$at", key.CreatedAt.ToString("O")), ("$by", key.CreatedBy)], ct);
        await transaction.CommitAsync(ct);
        return added > 0;
    }

    public async Task<IReadOnlyList<SigningKeyRecord>> ListSigningKeysAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT name, public_key, key_id, private_key, master_key_id, created_at, created_by FROM signing_keys ORDER BY name", [],
            r => new SigningKeyRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : (byte[])r.GetValue(3), r.IsDBNull(4) ? null : r.GetString(4),
                ReadTime(r, 5), r.GetString(6)),
            ct);
    }

    public async Task<bool> DeleteSigningKeyAsync(string name, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM signing_keys WHERE name = $name", [("$name", name)], ct);
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }

    public async Task<int> ReencryptSigningKeysAsync(IReadOnlyList<SigningKeyRecord> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var replaced = 0;
        foreach (var key in keys.Where(k => k.PrivateKey is not null))
        {
            replaced += await ExecuteAsync(connection, transaction,
                "UPDATE signing_keys SET private_key = $private, master_key_id = $masterKeyId WHERE name = $name AND private_key IS NOT NULL",
                [("$name", key.Name), ("$private", key.PrivateKey), ("$masterKeyId", key.MasterKeyId)], ct);
        }

        await transaction.CommitAsync(ct);
        return replaced;
    }

    public async Task<VulnerabilityExceptionRecord> AddVulnerabilityExceptionAsync(VulnerabilityExceptionRecord exception, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(exception);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO vulnerability_exceptions (env, advisory, package, reason, expires_at, created_at, created_by)
            VALUES ($env, $advisory, $package, $reason, $expires, $at, $by)
            """,
            [("$env", exception.Environment), ("$advisory", exception.Advisory), ("$package", exception.Package), ("$reason", exception.Reason),
             ("$expires", exception.ExpiresAt.ToString("O")), ("$at", exception.CreatedAt.ToString("O")), ("$by", exception.CreatedBy)], ct);
        var id = (await QueryAsync(connection, "SELECT last_insert_rowid()", [], r => r.GetInt64(0), ct))[0];
        await transaction.CommitAsync(ct);
        return exception with { Id = id };
    }

    public async Task<IReadOnlyList<VulnerabilityExceptionRecord>> ListVulnerabilityExceptionsAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT id, env, advisory, package, reason, expires_at, created_at, created_by FROM vulnerability_exceptions ORDER BY id", [],
            r => new VulnerabilityExceptionRecord(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetString(4), ReadTime(r, 5), ReadTime(r, 6), r.GetString(7)),
            ct);
    }

    public async Task<bool> DeleteVulnerabilityExceptionAsync(long id, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM vulnerability_exceptions WHERE id = $id", [("$id", id)], ct);
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }

    private static ImageRecord ReadImage(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), ReadTags(r.GetString(2)), r.GetString(3), ReadTime(r, 4), r.GetString(5), r.GetString(6));

    private static ImagePackageRecord ReadPackage(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3));

    private static IReadOnlyList<string> ReadTags(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];
}
