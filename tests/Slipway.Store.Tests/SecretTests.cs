using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Store.Schema;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// Secrets in the store: versions per key, values kept while a revision pins them (and the current ones), the rest
/// pruned in the same transaction; a deletion refused while an app refers to the secret; re-encryption in one
/// transaction. The store holds ciphertext only: these tests give it opaque bytes.
/// </summary>
public sealed class SecretTests : StoreTest
{
    [Fact]
    public async Task Each_key_keeps_the_version_its_value_was_set_at_and_old_values_nothing_pins_go()
    {
        await SaveAsync("db", 0, Keys(("url", 1), ("password", 1)), ("url", 1), ("password", 1));
        await SaveAsync("db", 1, Keys(("url", 1), ("password", 2)), ("password", 2));
        await SaveAsync("db", 2, Keys(("url", 1), ("password", 3)), ("password", 3));

        var secret = Assert.Single(await Store.ListSecretsAsync("prod", Ct));
        Assert.Equal((3, false, "ana@laptop"), (secret.Version, secret.Deleted, secret.UpdatedBy));
        Assert.Equal(Keys(("password", 3), ("url", 1)), secret.Keys.OrderBy(k => k.Key).ToDictionary());
        Assert.Equal(["password@3", "url@1"], await KeptAsync());
    }

    [Fact]
    public async Task A_value_a_revision_pins_is_kept_until_that_revision_is_deleted()
    {
        await SaveAsync("db", 0, Keys(("url", 1), ("password", 1)), ("url", 1), ("password", 1));
        await Store.SaveAppAsync(App(spec: Spec(Pinning(("db", "password", 1), ("db", "url", 1)))), Revision(1, template: Pinning(("db", "password", 1), ("db", "url", 1))), MidCanary(), [], Ct);

        await SaveAsync("db", 1, Keys(("url", 1), ("password", 2)), ("password", 2));
        await Store.SaveAppAsync(App(spec: Spec(Pinning(("db", "password", 2), ("db", "url", 1))), desiredRevision: 2), Revision(2, template: Pinning(("db", "password", 2), ("db", "url", 1))), MidCanary(), [], Ct);
        await SaveAsync("db", 2, Keys(("url", 1), ("password", 3)), ("password", 3));

        // Revision 1 pins password@1 and the desired spec (revision 2) password@2: both are kept, with the current one.
        Assert.Equal(["password@1", "password@2", "password@3", "url@1"], await KeptAsync());

        Assert.Equal(1, await Store.DeleteRevisionsAsync("web", "prod", [1], Ct));
        Assert.Equal(["password@2", "password@3", "url@1"], await KeptAsync());

        await Store.DeleteAppAsync("web", "prod", Ct);
        Assert.Equal(["password@3", "url@1"], await KeptAsync());
    }

    [Fact]
    public async Task Pins_of_another_environment_or_secret_do_not_keep_a_value()
    {
        await SaveAsync("db", 0, Keys(("url", 1)), ("url", 1));
        await Store.SaveAppAsync(App(env: "staging", spec: Spec(Pinning(("db", "url", 1)))), Revision(1, env: "staging", template: Pinning(("db", "url", 1))), MidCanary(), [], Ct);
        await Store.SaveAppAsync(App(spec: Spec(Pinning(("cache", "url", 1)))), Revision(1, template: Pinning(("cache", "url", 1))), MidCanary(), [], Ct);

        await SaveAsync("db", 1, Keys(("url", 2)), ("url", 2));

        Assert.Equal(["url@2"], await KeptAsync());
    }

    [Fact]
    public async Task A_save_on_a_stale_version_changes_nothing()
    {
        await SaveAsync("db", 0, Keys(("url", 1)), ("url", 1));

        var saved = await Store.SaveSecretAsync(Secret("db", 2, Keys(("url", 2))), previousVersion: 0, [Value("db", "url", 2)], Ct);

        Assert.False(saved);
        Assert.Equal(1, Assert.Single(await Store.ListSecretsAsync("prod", Ct)).Version);
        Assert.Equal(["url@1"], await KeptAsync());
    }

    [Fact]
    public async Task Deleting_a_secret_an_app_refers_to_is_refused_naming_the_apps_and_forced_deletes_every_version()
    {
        await SaveAsync("db", 0, Keys(("url", 1)), ("url", 1));
        await Store.SaveAppAsync(App("web", spec: Spec(Pinning(("db", "url", 1)))), Revision(1, "web", template: Pinning(("db", "url", 1))), MidCanary(), [], Ct);
        await SaveAsync("db", 1, Keys(("url", 2)), ("url", 2));
        await Store.SaveAppAsync(App("api", spec: Spec(Pinning(("db", "url", 2)))), Revision(1, "api", template: Pinning(("db", "url", 2))), MidCanary(), [], Ct);

        var refused = await Store.DeleteSecretAsync("prod", "db", force: false, "ana@laptop", Ct);

        Assert.Equal(SecretDeletionOutcome.InUse, refused.Outcome);
        Assert.Equal(["api", "web"], refused.UsedBy);
        Assert.Equal(["url@1", "url@2"], await KeptAsync());

        var forced = await Store.DeleteSecretAsync("prod", "db", force: true, "ana@laptop", Ct);

        Assert.Equal((SecretDeletionOutcome.Deleted, 2), (forced.Outcome, forced.UsedBy.Count));
        Assert.Empty(await KeptAsync());
        var deleted = Assert.Single(await Store.ListSecretsAsync("prod", Ct));
        Assert.True(deleted.Deleted);
        Assert.Empty(deleted.Keys);
        Assert.Equal(3, deleted.Version); // set again, it goes on from there: an old pin never means a new value
        Assert.Equal(SecretDeletionOutcome.NotFound, (await Store.DeleteSecretAsync("prod", "db", force: true, "ana@laptop", Ct)).Outcome);
    }

    [Fact]
    public async Task Deleting_a_secret_no_app_refers_to_needs_no_force()
    {
        await SaveAsync("db", 0, Keys(("url", 1)), ("url", 1));
        await Store.SaveAppAsync(App("web", spec: Spec(Pinning(("cache", "url", 1)))), Revision(1), MidCanary(), [], Ct);

        Assert.Equal(SecretDeletionOutcome.Deleted, (await Store.DeleteSecretAsync("prod", "db", force: false, "ana@laptop", Ct)).Outcome);
    }

    [Fact]
    public async Task Re_encryption_replaces_every_value_given_in_one_transaction()
    {
        await SaveAsync("db", 0, Keys(("url", 1), ("password", 1)), ("url", 1), ("password", 1));
        var values = await Store.ListSecretValuesAsync(Ct);

        var replaced = await Store.ReencryptSecretValuesAsync([.. values.Select(v => v with { KeyId = "new", Ciphertext = [9, 9] })], Ct);

        Assert.Equal(2, replaced);
        Assert.All(await Store.ListSecretValuesAsync(Ct), v =>
        {
            Assert.Equal("new", v.KeyId);
            Assert.Equal([9, 9], v.Ciphertext);
        });
    }

    [Fact]
    public async Task Secrets_are_listed_per_environment_and_read_back_after_a_restart()
    {
        await SaveAsync("db", 0, Keys(("url", 1)), ("url", 1));
        await Store.SaveSecretAsync(Secret("db", 1, Keys(("url", 1)), env: "staging"), 0, [Value("db", "url", 1, env: "staging")], Ct);

        var reopened = await Fixture.ReopenAsync();

        Assert.Equal(["prod/db"], (await reopened.ListSecretsAsync("prod", Ct)).Select(s => $"{s.Environment}/{s.Name}"));
        Assert.Equal(["prod/db", "staging/db"], (await reopened.ListSecretsAsync(null, Ct)).Select(s => $"{s.Environment}/{s.Name}"));
        Assert.Equal(TemporaryStore.Start, (await reopened.ListSecretsAsync("prod", Ct))[0].UpdatedAt);
        Assert.Equal([1, 2, 3], (await reopened.ListSecretValuesAsync(Ct))[0].Ciphertext);
    }

    [Fact]
    public async Task A_store_written_before_secrets_keeps_its_apps_and_takes_secrets()
    {
        using var data = DataDirectory.WithFixture("slipway-v1.db");
        var store = await SqliteStore.OpenAsync(data.StorePath, TimeProvider.System, Ct);

        Assert.True(await store.SaveSecretAsync(Secret("db", 1, Keys(("url", 1)), env: "dev"), 0, [Value("db", "url", 1, env: "dev")], Ct));

        Assert.Equal(Migrations.Latest, await RawDatabase.UserVersionAsync(data.StorePath));
        Assert.Equal(2, (await store.ListAppsAsync(Ct)).Count);
        Assert.Equal("url@1", (await store.ListSecretValuesAsync(Ct)).Select(v => $"{v.Key}@{v.Version}").Single()); // the fixture's revisions pin nothing
    }

    private async Task SaveAsync(string name, int previous, Dictionary<string, int> keys, params (string Key, int Version)[] values)
    {
        var saved = await Store.SaveSecretAsync(Secret(name, previous + 1, keys), previous, [.. values.Select(v => Value(name, v.Key, v.Version))], Ct);
        Assert.True(saved);
    }

    private async Task<List<string>> KeptAsync() =>
        [.. (await Store.ListSecretValuesAsync(Ct)).Select(v => $"{v.Key}@{v.Version}").Order(StringComparer.Ordinal)];

    private static Dictionary<string, int> Keys(params (string Key, int Version)[] keys) => keys.ToDictionary(k => k.Key, k => k.Version);

    private static SecretRecord Secret(string name, int version, Dictionary<string, int> keys, string env = "prod") =>
        new(env, name, version, keys, TemporaryStore.Start, "ana@laptop");

    private static SecretValueRecord Value(string name, string key, int version, string env = "prod") => new(env, name, key, version, "k1", [1, 2, 3]);

    /// <summary>A template whose env takes each of <paramref name="pins"/> from a secret, at a pinned version.</summary>
    private static InstanceTemplate Pinning(params (string Name, string Key, int Version)[] pins) =>
        Template() with { Env = [.. pins.Select((p, i) => new EnvVar($"V{i}", "") { SecretKeyRef = new SecretKeyRef(p.Name, p.Key) { Version = p.Version } })] };
}
