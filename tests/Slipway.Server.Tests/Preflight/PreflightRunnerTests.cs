using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Server.Tests.Preflight;

/// <summary>
/// What the server gathers for the checks: secret values through the lookup (here the vault's stand-in), at the version
/// a revision pins; and whether the store still holds the revision's artifact as it was.
/// </summary>
public sealed class PreflightRunnerTests : IAsyncLifetime
{
    private const string Url = "postgres://web:pw-5b1f0c@db.internal/web";

    private PreflightHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await PreflightHarness.OpenAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_required_name_from_a_secret_passes_once_the_secret_is_set_and_never_shows_its_value()
    {
        var spec = await AppliedSpecAsync();
        spec = spec with { RequiredEnv = ["DATABASE_URL"], Template = spec.Template with { Env = [FromSecret("DATABASE_URL", "db", "url")] } };

        var before = await _h.Preflight.CheckRevisionAsync("web", "prod", spec, Ct);
        await _h.Vault.SetAsync("prod", "db", "url", "CHANGEME");
        var placeholder = await _h.Preflight.CheckRevisionAsync("web", "prod", spec, Ct);
        await _h.Vault.SetAsync("prod", "db", "url", Url);
        var after = await _h.Preflight.CheckRevisionAsync("web", "prod", spec, Ct);

        Assert.Equal("web/prod cannot be released: DATABASE_URL is required but secret db/url is not set in prod (set it: slipway secret set db url=… -e prod)", before.Message);
        Assert.Equal("web/prod cannot be released: DATABASE_URL is required but the value of secret db/url is a placeholder (set it: slipway secret set db url=… -e prod)", placeholder.Message);
        Assert.False(after.Refused, after.Message);
        foreach (var value in _h.Vault.Values)
        {
            Assert.False(string.Join("\n", new[] { before, placeholder, after }.SelectMany(r => r.Items.Select(i => i.ToString()))).Contains(value, StringComparison.Ordinal), "a secret's value appears in a preflight item");
        }
    }

    [Fact]
    public async Task A_pinned_version_is_the_one_judged()
    {
        await _h.Vault.SetAsync("prod", "db", "url", Url);
        // A revision pins version 1, so the vault keeps its value after the key changes.
        Assert.Empty((await _h.ApplyAsync("""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata: {name: api, environment: prod}
            spec:
              artifact: {path: ./artifact}
              command: dotnet
              replicas: 0
              env: [{name: DATABASE_URL, valueFrom: {secretKeyRef: {name: db, key: url}}}]
            """)).Errors);
        await _h.Vault.SetAsync("prod", "db", "url", "TODO");
        var spec = await AppliedSpecAsync();
        var pinned = spec with { RequiredEnv = ["DATABASE_URL"], Template = spec.Template with { Env = [FromSecret("DATABASE_URL", "db", "url", version: 1)] } };
        var newest = pinned with { Template = pinned.Template with { Env = [FromSecret("DATABASE_URL", "db", "url")] } };
        var missing = pinned with { Template = pinned.Template with { Env = [FromSecret("DATABASE_URL", "db", "url", version: 9)] } };

        Assert.False((await _h.Preflight.CheckRevisionAsync("web", "prod", pinned, Ct)).Refused);
        Assert.Contains("the value of secret db/url is a placeholder", (await _h.Preflight.CheckRevisionAsync("web", "prod", newest, Ct)).Message, StringComparison.Ordinal);
        Assert.Contains("secret db/url has no version 9 in prod", (await _h.Preflight.CheckRevisionAsync("web", "prod", missing, Ct)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revision_whose_artifact_copy_was_deleted_is_refused_with_the_reason()
    {
        var spec = await AppliedSpecAsync();
        Assert.False((await _h.Preflight.CheckRevisionAsync("web", "dev", spec, Ct)).Refused);

        Slipway.Local.Files.WritableTree.Delete(_h.Artifacts.PathFor(spec.Template.Artifact.Digest!));
        var result = await _h.Preflight.CheckRevisionAsync("web", "dev", spec, Ct);

        var item = Assert.Single(result.Items);
        Assert.Equal((PreflightCheck.Artifact, PreflightSeverity.Error), (item.Check, item.Severity));
        Assert.Equal($"web/dev cannot be released: its artifact {spec.Template.Artifact.Digest} is no longer in the server's store (removed by housekeeping or by hand): apply the spec again to copy it", result.Message);
    }

    [Fact]
    public async Task A_copy_changed_on_disk_is_refused_as_no_longer_matching_its_digest()
    {
        var spec = await AppliedSpecAsync();
        var copy = Path.Combine(_h.Artifacts.PathFor(spec.Template.Artifact.Digest!), "app.dll");
        if (!OperatingSystem.IsWindows())
        {
            // The copy is read-only, but not to its owner: changed on disk by hand.
            File.SetUnixFileMode(Path.GetDirectoryName(copy)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await File.WriteAllTextAsync(copy, "tampered");

        var result = await _h.Preflight.CheckRevisionAsync("web", "dev", spec, Ct);

        Assert.Equal(PreflightCheck.Artifact, Assert.Single(result.Items).Check);
        Assert.Contains($"the stored copy of its artifact {spec.Template.Artifact.Digest} no longer has that content", result.Message, StringComparison.Ordinal);
    }

    /// <summary>Applies an app and returns its spec as saved, with its artifact's digest and the copy in the store.</summary>
    private async Task<ApplicationSpec> AppliedSpecAsync()
    {
        var outcome = await _h.ApplyAsync("""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata: {name: web}
            spec:
              artifact: {path: ./artifact}
              command: dotnet
              replicas: 0
            """);
        Assert.Empty(outcome.Errors);
        return (await _h.Store.GetAppAsync("web", "dev", Ct))!.Spec;
    }

    private static EnvVar FromSecret(string name, string secret, string key, int? version = null) =>
        new(name, "") { SecretKeyRef = new SecretKeyRef(secret, key) { Version = version } };
}
