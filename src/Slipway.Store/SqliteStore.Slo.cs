using Microsoft.Data.Sqlite;
using Slipway.Core.Slo;
using Slipway.Store.Schema;

namespace Slipway.Store;

/// <summary>
/// SLO history (see <see cref="IStore"/>): per SLO of an app×env, one row of good and total requests per minute
/// (<c>slo_minutes</c>), the same per hour (<c>slo_hours</c>, written in the same transaction), and how far the history
/// goes (<c>slo_progress</c>). A 30-day SLO is 43,200 minute rows; a window's sum reads the minutes of its first,
/// partial hour and the hours after — at most 59 + 720 rows for 30 days, not 43,200 (bench/README.md, "slo").
/// </summary>
public sealed partial class SqliteStore
{
    /// <summary>Migration 6: the SLO tables. (4 and 5 belong to the secrets and hooks stores.)</summary>
    internal static readonly Migration SloMigration = Migration.Sql(6, "SLO history per minute", """
        CREATE TABLE slo_minutes (
            app TEXT NOT NULL, env TEXT NOT NULL, slo TEXT NOT NULL, minute INTEGER NOT NULL,
            good INTEGER NOT NULL, total INTEGER NOT NULL,
            PRIMARY KEY (app, env, slo, minute)) WITHOUT ROWID;
        CREATE TABLE slo_hours (
            app TEXT NOT NULL, env TEXT NOT NULL, slo TEXT NOT NULL, hour INTEGER NOT NULL,
            good INTEGER NOT NULL, total INTEGER NOT NULL,
            PRIMARY KEY (app, env, slo, hour)) WITHOUT ROWID;
        CREATE TABLE slo_progress (
            app TEXT NOT NULL, env TEXT NOT NULL, slo TEXT NOT NULL, since INTEGER NOT NULL, through INTEGER NOT NULL,
            PRIMARY KEY (app, env, slo)) WITHOUT ROWID;
        """);

    public async Task<IReadOnlyList<SloProgress>> ListSloProgressAsync(string app, string environment, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await QueryAsync(connection, "SELECT slo, since, through FROM slo_progress WHERE app = $app AND env = $env ORDER BY slo",
            [("$app", app), ("$env", environment)], r => new SloProgress(r.GetString(0), r.GetInt64(1), r.GetInt64(2)), ct);
    }

    /// <summary>
    /// Adds each recording's seconds after the SLO's <see cref="SloProgress.Through"/> (and up to the recording's) to
    /// their minutes, and moves the progress on, in one transaction taken before anything is read: two readers of the
    /// same seconds — a restarted server's backfill, the gate's own read racing the background one — add them once.
    /// </summary>
    public async Task<int> RecordSloAsync(string app, string environment, IReadOnlyList<SloRecording> recordings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordings);
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var added = 0;
        foreach (var recording in recordings)
        {
            (string, object?)[] key = [("$app", app), ("$env", environment), ("$slo", recording.Slo)];
            var progress = (await QueryAsync(connection, "SELECT since, through FROM slo_progress WHERE app = $app AND env = $env AND slo = $slo",
                key, r => (Since: r.GetInt64(0), Through: r.GetInt64(1)), ct)).Cast<(long Since, long Through)?>().FirstOrDefault();
            var after = progress?.Through ?? long.MinValue;
            var minutes = recording.Seconds
                .Where(s => s.Second > after && s.Second <= recording.Through)
                .GroupBy(s => Math.DivRem(s.Second, 60).Quotient)
                .ToList();
            foreach (var minute in minutes)
            {
                await ExecuteAsync(connection, transaction,
                    """
                    INSERT INTO slo_minutes (app, env, slo, minute, good, total) VALUES ($app, $env, $slo, $minute, $good, $total)
                    ON CONFLICT (app, env, slo, minute) DO UPDATE SET good = good + excluded.good, total = total + excluded.total
                    """,
                    [.. key, ("$minute", minute.Key), ("$good", minute.Sum(s => s.Good)), ("$total", minute.Sum(s => s.Total))],
                    ct);
                added += minute.Count();
            }

            foreach (var hour in minutes.SelectMany(m => m).GroupBy(s => Math.DivRem(s.Second, 3600).Quotient))
            {
                await ExecuteAsync(connection, transaction,
                    """
                    INSERT INTO slo_hours (app, env, slo, hour, good, total) VALUES ($app, $env, $slo, $hour, $good, $total)
                    ON CONFLICT (app, env, slo, hour) DO UPDATE SET good = good + excluded.good, total = total + excluded.total
                    """,
                    [.. key, ("$hour", hour.Key), ("$good", hour.Sum(s => s.Good)), ("$total", hour.Sum(s => s.Total))],
                    ct);
            }

            var through = Math.Max(after, recording.Through);
            var since = progress?.Since ?? Math.Min(recording.From, through);
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO slo_progress (app, env, slo, since, through) VALUES ($app, $env, $slo, $since, $through)
                ON CONFLICT (app, env, slo) DO UPDATE SET through = excluded.through
                """,
                [.. key, ("$since", since), ("$through", through)],
                ct);
        }

        await transaction.CommitAsync(ct);
        return added;
    }

    /// <summary>
    /// Good and total requests of one SLO from each time in <paramref name="from"/> to now: the minutes from the one
    /// holding that time on (so a window is counted in whole minutes and reaches up to 59 s further back).
    /// </summary>
    public async Task<IReadOnlyList<SloCounts>> SumSloAsync(string app, string environment, string slo, IReadOnlyList<DateTimeOffset> from, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (from.Count == 0)
        {
            return [];
        }

        // Per window: the minutes up to the first whole hour, then whole hours. One plain range sum each: a conditional
        // sum per window in one scan tests every row against every window.
        await using var connection = await OpenConnectionAsync(ct);
        var sums = new SloCounts[from.Count];
        for (var i = 0; i < from.Count; i++)
        {
            var minute = Minute(from[i]);
            var hour = (long)Math.Ceiling(minute / 60.0);
            sums[i] = (await QueryAsync(
                connection,
                """
                SELECT coalesce(sum(good), 0), coalesce(sum(total), 0) FROM (
                    SELECT good, total FROM slo_minutes WHERE app = $app AND env = $env AND slo = $slo AND minute >= $minute AND minute < $hour * 60
                    UNION ALL
                    SELECT good, total FROM slo_hours WHERE app = $app AND env = $env AND slo = $slo AND hour >= $hour)
                """,
                [("$app", app), ("$env", environment), ("$slo", slo), ("$minute", minute), ("$hour", hour)],
                r => new SloCounts(r.GetInt64(0), r.GetInt64(1)),
                ct)).Single();
        }

        return sums;
    }

    /// <summary>Deletes the app×env's SLO minutes that end before <paramref name="before"/>; how many went.</summary>
    public async Task<int> PruneSloAsync(string app, string environment, DateTimeOffset before, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var deleted = await ExecuteAsync(connection, transaction, "DELETE FROM slo_minutes WHERE app = $app AND env = $env AND minute < $before",
            [("$app", app), ("$env", environment), ("$before", Minute(before))], ct);

        // An hour goes with its last minute: what is left of it is never read (no window reaches back past the cut).
        await ExecuteAsync(connection, transaction, "DELETE FROM slo_hours WHERE app = $app AND env = $env AND (hour + 1) * 60 <= $before",
            [("$app", app), ("$env", environment), ("$before", Minute(before))], ct);
        await transaction.CommitAsync(ct);
        return deleted;
    }

    private static long Minute(DateTimeOffset time) => (long)Math.Floor(time.ToUnixTimeSeconds() / 60.0);
}
