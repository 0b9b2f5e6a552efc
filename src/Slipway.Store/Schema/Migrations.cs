namespace Slipway.Store.Schema;

/// <summary>
/// The store's schema, version by version. The version a database is at is its
/// <c>PRAGMA user_version</c>; opening a store applies, in order, every migration above it.
/// </summary>
/// <remarks>
/// Rules for whoever changes the schema (see "The store and its schema version" in docs/architecture.md):
/// <list type="bullet">
/// <item>A change is a new entry at the end, numbered one above the last: a new table, a column
/// (<c>ALTER TABLE … ADD COLUMN</c> with a default, or a function that fills it), an index.
/// Never edit or reorder an entry once merged: data directories exist at every
/// version, and a migration runs exactly once on each.</item>
/// <item>Migrations go forward only. An older Slipway refuses a data directory a newer one has
/// migrated (it does not know what the newer version means), so there is no "down".</item>
/// <item>Each migration runs in one write transaction together with its version bump: it either
/// happens whole or not at all. Use <see cref="Migration.Sql"/> for a script, or a function when
/// data must be rewritten (e.g. a JSON document's field renamed).</item>
/// <item>Stored JSON (specs, templates, statuses) is part of the schema too: a change to those
/// records that old rows cannot be read with needs a migration that rewrites them.</item>
/// <item>Add a test in tests/Slipway.Store.Tests that opens Fixtures/slipway-v1.db and finds its
/// data through the new version.</item>
/// </list>
/// </remarks>
internal static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        // Exactly the schema Slipway had before versions. Unlike later entries it is written with
        // IF NOT EXISTS, because it also adopts those databases (tables present, user_version 0):
        // for them it creates nothing, and only the version is set.
        Migration.Sql(1, "apps, revisions, rollouts and events", """
            CREATE TABLE IF NOT EXISTS apps (
                app TEXT NOT NULL, env TEXT NOT NULL, spec TEXT NOT NULL, desired_revision INTEGER NOT NULL,
                created_at TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (app, env));
            CREATE TABLE IF NOT EXISTS revisions (
                app TEXT NOT NULL, env TEXT NOT NULL, number INTEGER NOT NULL, template TEXT NOT NULL,
                template_hash TEXT NOT NULL, change_cause TEXT NOT NULL, created_at TEXT NOT NULL,
                PRIMARY KEY (app, env, number));
            CREATE TABLE IF NOT EXISTS rollouts (
                app TEXT NOT NULL, env TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL,
                PRIMARY KEY (app, env));
            CREATE TABLE IF NOT EXISTS events (
                id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, env TEXT NOT NULL, revision INTEGER,
                time TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS events_by_app ON events (app, env, id);
            """),

        // Apps get an identity, so that a deleted app's instances are never taken for a new app's of the same name.
        // Rollout statuses: the progress deadline's clock moves from waitingSince to progress.since, and the
        // revisions that became stable (what undo goes back to) are read from the RolloutCompleted events.
        Migration.Sql(2, "app uid; rollout progress and stable history", """
            ALTER TABLE apps ADD COLUMN uid TEXT NOT NULL DEFAULT '';
            UPDATE apps SET uid = lower(hex(randomblob(16))) WHERE uid = '';
            UPDATE rollouts SET status = json_remove(
                CASE WHEN json_extract(status, '$.waitingSince') IS NULL THEN status
                     ELSE json_set(status, '$.progress', json_object(
                         'step', coalesce(json_extract(status, '$.currentStepIndex'), 0),
                         'best', 0,
                         'since', json_extract(status, '$.waitingSince'))) END,
                '$.waitingFor', '$.waitingSince');
            UPDATE rollouts SET status = json_set(status, '$.stableHistory', json((
                SELECT coalesce(json_group_array(revision), '[]') FROM (
                    SELECT e.revision FROM events e
                    WHERE e.app = rollouts.app AND e.env = rollouts.env AND e.reason = 'RolloutCompleted' AND e.revision IS NOT NULL
                    ORDER BY e.id))));
            """),

        // Live analysis: templates applied with apps, the runs rollouts start and their measurements.
        Migration.Sql(3, "analysis templates, runs and measurements", """
            CREATE TABLE analysis_templates (name TEXT NOT NULL PRIMARY KEY, spec TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE analysis_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, env TEXT NOT NULL,
                kind TEXT NOT NULL, revision INTEGER NOT NULL, step INTEGER NOT NULL, rollout_started_at TEXT NOT NULL,
                attempt INTEGER NOT NULL, run TEXT NOT NULL, finished INTEGER NOT NULL,
                UNIQUE (app, env, kind, revision, step, rollout_started_at, attempt));
            CREATE INDEX analysis_runs_unfinished ON analysis_runs (finished);
            CREATE TABLE measurements (
                id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
                metric TEXT NOT NULL, measurement TEXT NOT NULL);
            CREATE INDEX measurements_by_run ON measurements (run_id, metric, id);
            """),

        // Secrets: each secret's keys with the version each value was set at, and the kept values, ciphertext only.
        Migration.Sql(4, "secrets and their encrypted values", """
            CREATE TABLE secrets (
                env TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, keys TEXT NOT NULL,
                updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (env, name));
            CREATE TABLE secret_values (
                env TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
                key_id TEXT NOT NULL, ciphertext BLOB NOT NULL,
                PRIMARY KEY (env, name, key, version));
            """),

        // Hooks: the runs rollouts start at their moments, and how far each event hook has delivered the events.
        Migration.Sql(5, "hook runs and event hook cursors", """
            CREATE TABLE hook_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT, app TEXT NOT NULL, env TEXT NOT NULL,
                type TEXT NOT NULL, hook TEXT NOT NULL, revision INTEGER NOT NULL, rollout_started_at TEXT NOT NULL,
                event_id INTEGER NOT NULL, phase TEXT NOT NULL, irreversible INTEGER NOT NULL, finished INTEGER NOT NULL,
                run TEXT NOT NULL,
                UNIQUE (app, env, type, hook, revision, rollout_started_at, event_id));
            CREATE INDEX hook_runs_by_app ON hook_runs (app, env, id);
            CREATE INDEX hook_runs_unfinished ON hook_runs (finished);
            CREATE TABLE hook_cursors (
                app TEXT NOT NULL, env TEXT NOT NULL, hook TEXT NOT NULL, event_id INTEGER NOT NULL,
                PRIMARY KEY (app, env, hook));
            """),

        // SLO history: good and total requests per minute per SLO, and how far each SLO's history goes.
        SqliteStore.SloMigration,

        // Images by digest, the packages their SBOMs list, promotions, signing keys, vulnerability exceptions.
        SqliteStore.ImagesMigration,

        // Image policies: the kind: ImagePolicy documents applied, by name.
        SqliteStore.PoliciesMigration,
    ];

    /// <summary>The newest schema version this Slipway knows.</summary>
    public static int Latest => All.Count;
}
