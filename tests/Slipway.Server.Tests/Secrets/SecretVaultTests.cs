using Slipway.Core.Spec;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Tests.Secrets;

/// <summary>
/// The vault over a real store: versions per key, what resolves (pinned or newest), what is redacted, values that do not
/// decrypt, key rotation by the key file (interrupted too) and by the variables. Values are checked by presence only,
/// and a failed assertion never prints one.
/// </summary>
public sealed class SecretVaultTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string _url = "postgres://app:" + Guid.NewGuid().ToString("N") + "@db/shop";
    private readonly string _password = "pw-" + Guid.NewGuid().ToString("N");
    private VaultHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await VaultHarness.OpenAsync();

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Each_set_is_a_version_and_each_key_keeps_the_version_its_value_last_changed_at()
    {
        var vault = await _harness.StartVaultAsync();

        var first = await SetAsync(vault, ("url", _url), ("password", _password));
        var second = await SetAsync(vault, ("url", _url), ("password", "other-" + _password));
        var same = await SetAsync(vault, ("password", "other-" + _password));

        Assert.Equal(1, first.Secret.Version);
        Assert.Equal(["password", "url"], first.Changed);
        Assert.Equal(2, second.Secret.Version);
        Assert.Equal(["password"], second.Changed);
        Assert.True(same.Unchanged);
        var listed = Assert.Single(vault.List("prod"));
        Assert.Equal(2, listed.Version);
        Assert.Equal([("password", 2), ("url", 1)], listed.Keys.OrderBy(k => k.Key).Select(k => (k.Key, k.Value)));
        Assert.Equal("ana@laptop", listed.UpdatedBy);
    }

    [Fact]
    public async Task A_pinned_reference_resolves_its_version_after_another_key_changed_and_an_unpinned_one_the_newest()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url), ("password", _password));
        await PinAsync(("url", 1), ("password", 1)); // a revision made now
        await SetAsync(vault, ("password", "new-" + _password));
        var pinnedUrl = new SecretKeyRef("db", "url") { Version = 1 };
        var pinnedPassword = new SecretKeyRef("db", "password") { Version = 1 };
        var newestPassword = new SecretKeyRef("db", "password");

        var resolved = await vault.ResolveAsync("prod", [pinnedUrl, pinnedPassword, newestPassword], Ct);

        Assert.True(resolved[pinnedUrl].Value == _url, "url at version 1");
        Assert.True(resolved[pinnedPassword].Value == _password, "password at version 1, kept for the revision that pins it");
        Assert.Equal(2, resolved[newestPassword].Version);
        Assert.True(resolved[newestPassword].Value == "new-" + _password, "the newest password");
    }

    [Fact]
    public async Task What_does_not_exist_is_absent_and_described_by_name()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url));
        SecretKeyRef[] missing = [new("db", "password"), new("cache", "url"), new("db", "url") { Version = 7 }];

        var resolved = await vault.ResolveAsync("prod", missing, Ct);
        var inStaging = await vault.ResolveAsync("staging", [new SecretKeyRef("db", "url")], Ct);

        Assert.Empty(resolved);
        Assert.Empty(inStaging);
        Assert.Equal(
            ["secret db has no key password in environment prod", "there is no secret cache in environment prod", "secret db has no version 7 of key url in environment prod any more"],
            missing.Select(r => vault.DescribeMissing("prod", r)));
    }

    [Fact]
    public async Task Redact_takes_out_every_kept_version_of_every_value_but_short_ones()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url), ("password", _password), ("short", "abc"));
        await PinAsync(("password", 1));
        await SetAsync(vault, ("password", "new-" + _password));

        var text = vault.Redact($"DATABASE_URL={_url} PASSWORD=new-{_password} OLD={_password} SHORT=abc");

        // Compared without printing: a failure must not show a value.
        Assert.True(text == "DATABASE_URL=[secret db/url] PASSWORD=[secret db/password] OLD=[secret db/password] SHORT=abc", "a kept value was not redacted whole");
    }

    [Fact]
    public async Task Removing_a_key_and_deleting_the_secret_are_seen_at_once()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url), ("password", _password));

        var (removed, _) = await vault.SetAsync("prod", "db", new Dictionary<string, string>(), ["password", "absent"], "ana@laptop", Ct);
        Assert.Equal(["password"], removed!.Removed);
        Assert.Equal(2, removed.Secret.Version);
        Assert.Equal(["url"], vault.List("prod").Single().Keys.Keys);

        var deletion = await vault.DeleteAsync("prod", "db", force: false, "ana@laptop", Ct);

        Assert.Equal(SecretDeletionOutcome.Deleted, deletion.Outcome);
        Assert.Empty(vault.List("prod"));
        Assert.True(vault.Redact($"DATABASE_URL={_url}") == $"DATABASE_URL={_url}", "a deleted secret's value is still redacted"); // nothing of it is kept

        var again = await SetAsync(vault, ("url", _url));
        Assert.Equal(4, again.Secret.Version); // versions go on after a deletion
    }

    [Theory]
    [InlineData("Db", "url", "secret name 'Db': must be a DNS label")]
    [InlineData("db", "a/b", "key 'a/b': must hold only letters, digits, '.', '_' and '-'")]
    public async Task Wrong_names_are_refused_and_the_message_names_no_value(string name, string key, string said)
    {
        var vault = await _harness.StartVaultAsync();

        var (change, problem) = await vault.SetAsync("prod", name, new Dictionary<string, string> { [key] = _password }, [], "ana@laptop", Ct);

        Assert.Null(change);
        Assert.Equal(SecretProblemKind.Invalid, problem!.Kind);
        Assert.Contains(said, problem.Message, StringComparison.Ordinal);
        Assert.False(problem.Message.Contains(_password, StringComparison.Ordinal), "the message holds the value");
    }

    [Fact]
    public async Task A_value_with_a_nul_character_is_refused_naming_its_key_only()
    {
        var vault = await _harness.StartVaultAsync();

        var (_, problem) = await vault.SetAsync("prod", "db", new Dictionary<string, string> { ["password"] = _password + "\0x" }, [], "ana@laptop", Ct);

        Assert.Equal("key password: the value holds a NUL character, which an environment variable cannot hold", problem!.Message);
    }

    [Fact]
    public async Task Only_ciphertext_reaches_the_data_directory()
    {
        var vault = await _harness.StartVaultAsync();

        await SetAsync(vault, ("url", _url), ("password", _password));
        await SetAsync(vault, ("password", "new-" + _password));

        Assert.Empty(_harness.FilesHolding(_password));
        Assert.Empty(_harness.FilesHolding(_url));
        Assert.NotEmpty(await _harness.Store.ListSecretValuesAsync(Ct));
    }

    [Fact]
    public async Task With_another_master_key_the_values_are_described_as_not_decrypting_and_nothing_crashes()
    {
        var before = MasterKey.Generate();
        var vault = await _harness.StartVaultAsync(KeyVariables.Of(before.ToBase64()));
        await SetAsync(vault, ("url", _url));

        var other = MasterKey.Generate();
        var restarted = await _harness.StartVaultAsync(KeyVariables.Of(other.ToBase64()));
        var reference = new SecretKeyRef("db", "url");

        Assert.Empty(await restarted.ResolveAsync("prod", [reference], Ct));
        Assert.Equal(
            $"the value of key url of secret db (version 1) in environment prod cannot be decrypted: it was encrypted with master key {before.Id}, which this server does not have (SLIPWAY_MASTER_KEY; see docs/secrets.md)",
            restarted.DescribeMissing("prod", reference));
        Assert.Equal(["url"], restarted.List("prod").Single().Keys.Keys);
    }

    [Fact]
    public async Task A_tampered_ciphertext_is_described_as_not_decrypting()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url));
        var stored = Assert.Single(await _harness.Store.ListSecretValuesAsync(Ct));
        var tampered = (byte[])stored.Ciphertext.Clone();
        tampered[^1] ^= 1;
        await _harness.Store.ReencryptSecretValuesAsync([stored with { Ciphertext = tampered }], Ct);

        var restarted = await _harness.StartVaultAsync();

        Assert.Empty(await restarted.ResolveAsync("prod", [new SecretKeyRef("db", "url")], Ct));
        Assert.Contains("cannot be decrypted: it does not decrypt with master key", restarted.DescribeMissing("prod", new SecretKeyRef("db", "url")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_the_key_file_re_encrypts_every_value_and_retires_the_old_key()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url), ("password", _password));
        var old = MasterKeys.Open(_harness.DataDirectory, KeyVariables.None).Current!;

        var (rotation, problem) = await vault.RotateKeyAsync(Ct);

        Assert.Null(problem);
        Assert.Equal(2, rotation!.Reencrypted);
        Assert.Equal([old.Id], rotation.Retired);
        Assert.Equal([rotation.KeyId], MasterKeys.Open(_harness.DataDirectory, KeyVariables.None).Keys.Select(k => k.Id));
        Assert.All(await _harness.Store.ListSecretValuesAsync(Ct), v => Assert.Equal(rotation.KeyId, v.KeyId));
        var restarted = await _harness.StartVaultAsync();
        Assert.Equal(2, (await restarted.ResolveAsync("prod", [new SecretKeyRef("db", "url"), new SecretKeyRef("db", "password")], Ct)).Count);
        Assert.Empty(_harness.FilesHolding(_password));
    }

    [Fact]
    public async Task A_rotation_interrupted_after_the_new_key_was_written_is_finished_at_the_next_start()
    {
        var vault = await _harness.StartVaultAsync();
        await SetAsync(vault, ("url", _url));
        var keys = MasterKeys.Open(_harness.DataDirectory, KeyVariables.None);
        var old = keys.Current!;
        var next = MasterKey.Generate();

        keys.Adopt(next); // the rotation's first step; the server dies before re-encrypting
        var restarted = await _harness.StartVaultAsync();

        var resolved = await restarted.ResolveAsync("prod", [new SecretKeyRef("db", "url")], Ct);
        Assert.True(resolved.Single().Value.Value == _url, "the value is readable after the interrupted rotation");
        Assert.Equal(next.Id, Assert.Single(await _harness.Store.ListSecretValuesAsync(Ct)).KeyId);
        Assert.Equal([next.Id], MasterKeys.Open(_harness.DataDirectory, KeyVariables.None).Keys.Select(k => k.Id));
        Assert.NotEqual(old.Id, next.Id);
    }

    [Fact]
    public async Task With_the_variables_a_new_key_and_the_previous_one_re_encrypt_at_start_and_rotate_key_says_how()
    {
        var old = MasterKey.Generate();
        var next = MasterKey.Generate();
        var vault = await _harness.StartVaultAsync(KeyVariables.Of(old.ToBase64()));
        await SetAsync(vault, ("url", _url));

        var (_, problem) = await vault.RotateKeyAsync(Ct);
        Assert.Equal(SecretProblemKind.Conflict, problem!.Kind);
        Assert.Contains("set the new key in SLIPWAY_MASTER_KEY and the old one in SLIPWAY_MASTER_KEY_PREVIOUS", problem.Message, StringComparison.Ordinal);

        await _harness.StartVaultAsync(KeyVariables.Of(next.ToBase64(), old.ToBase64()));
        var withNewOnly = await _harness.StartVaultAsync(KeyVariables.Of(next.ToBase64()));

        Assert.Equal(next.Id, Assert.Single(await _harness.Store.ListSecretValuesAsync(Ct)).KeyId);
        Assert.True((await withNewOnly.ResolveAsync("prod", [new SecretKeyRef("db", "url")], Ct)).Single().Value.Value == _url, "readable with the new key alone");
        Assert.False(File.Exists(MasterKeys.PathIn(_harness.DataDirectory)));
    }

    /// <summary>Saves an app of prod whose revision pins these keys of secret db.</summary>
    private Task PinAsync(params (string Key, int Version)[] pins)
    {
        var template = new InstanceTemplate(
            new ArtifactRef("/srv/web"), "dotnet", [], [.. pins.Select(p => new EnvVar(p.Key.ToUpperInvariant(), "") { SecretKeyRef = new SecretKeyRef("db", p.Key) { Version = p.Version } })],
            null, ProbeSet.None, 30);
        var spec = new ApplicationSpec(template, 1, new RouteSpec("web.prod.localhost", "/"), 600, RollingStrategy.Default);
        var now = DateTimeOffset.UtcNow;
        return _harness.Store.SaveAppAsync(new AppRecord("web", "prod", "uid", spec, 1, now, now), new RevisionRecord("web", "prod", 1, template, "h1", "first", now), Core.Rollouts.RolloutStatus.Empty, [], Ct);
    }

    private static async Task<SecretChange> SetAsync(SecretVault vault, params (string Key, string Value)[] data)
    {
        var (change, problem) = await vault.SetAsync("prod", "db", data.ToDictionary(d => d.Key, d => d.Value), [], "ana@laptop", Ct);
        Assert.Null(problem);
        return change!;
    }
}
