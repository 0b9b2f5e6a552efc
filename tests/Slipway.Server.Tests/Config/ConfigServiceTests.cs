using System.Text.Json;
using Slipway.Core.Config;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Config;
using Slipway.Server.Tests.Preflight;

namespace Slipway.Server.Tests.Config;

/// <summary>
/// <c>slipway config</c> and the environment comparison against a real store, with secrets from the vault's stand-in:
/// secret-backed names show their key and version, never their value — in the view, in the comparison, or in the API's
/// JSON of either (scanned for every value the stand-in holds).
/// </summary>
public sealed class ConfigServiceTests : IAsyncLifetime
{
    private PreflightHarness _h = null!;
    private ConfigService _config = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _h = await PreflightHarness.OpenAsync();
        _config = new ConfigService(_h.Store, _h.Preflight);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Config_shows_sources_and_versions_masks_sensitive_values_and_never_holds_a_secret_value()
    {
        await _h.Vault.SetAsync("prod", "db", "url", "postgres://web:hunter2-prod@db/web");
        await _h.Vault.SetAsync("prod", "db", "url", "postgres://web:hunter3-prod@db/web");
        await DeployAsync("prod", [new EnvVar("LOG_LEVEL", "info"), new EnvVar("SESSION_SECRET", "plain-but-sensitive-1b2c"), Secret("DATABASE_URL", "db", "url")], ["DATABASE_URL", "SMTP_HOST"]);

        var view = (await _config.GetAsync("web", "prod", Ct))!.View;

        Assert.Equal(
            ["LOG_LEVEL value info", "SESSION_SECRET value (sensitive value hidden)", "DATABASE_URL secret ", "PORT slipway ", "SLIPWAY_APP slipway web", "SLIPWAY_ENV slipway prod", "SLIPWAY_REVISION slipway 1", "SLIPWAY_INSTANCE slipway "],
            view.Env.Select(e => $"{e.Name} {e.Source.ToString().ToLowerInvariant()} {e.Value}"));
        Assert.Equal("(secret db/url, version 2)", view.Env[2].Secret!.Shown);
        Assert.Equal([("DATABASE_URL", true), ("SMTP_HOST", false)], view.RequiredEnv.Select(r => (r.Name, r.Satisfied)));
        AssertHoldsNoSecret(JsonSerializer.Serialize(view, SlipwayJson.Api), "plain-but-sensitive-1b2c");
    }

    [Fact]
    public async Task The_comparison_lists_missing_names_first_and_prints_no_secret_value()
    {
        await _h.Vault.SetAsync("dev", "db", "url", "postgres://web:dev-pw-77@db/web");
        await _h.Vault.SetAsync("prod", "db", "url", "postgres://web:prod-pw-88@db/web");
        await DeployAsync("dev", [new EnvVar("SMTP_HOST", "localhost"), Secret("DATABASE_URL", "db", "url"), new EnvVar("API_TOKEN", "dev-token-abc")], []);
        await DeployAsync("prod", [Secret("DATABASE_URL", "db", "url"), new EnvVar("API_TOKEN", "prod-token-xyz")], ["SMTP_HOST"]);

        var diff = ConfigDiff.Compare((await _config.GetAsync("web", "dev", Ct))!, (await _config.GetAsync("web", "prod", Ct))!);

        Assert.False(diff.Equal);
        Assert.Equal("prod", diff.Missing[0].Environment);
        Assert.Equal(["SMTP_HOST"], diff.Missing[0].Names);
        Assert.Equal(["API_TOKEN: (value differs)"], diff.Different.Select(d => d.Summary));
        Assert.Equal(["DATABASE_URL: from secret db/url in both (values not compared)"], diff.SecretsInBoth.Select(d => d.Summary));
        AssertHoldsNoSecret(JsonSerializer.Serialize(diff, SlipwayJson.Api), "dev-token-abc", "prod-token-xyz");
    }

    [Fact]
    public async Task An_app_that_is_not_in_the_environment_has_no_config()
    {
        Assert.Null(await _config.GetAsync("web", "dev", Ct));
    }

    private void AssertHoldsNoSecret(string json, params string[] sensitive)
    {
        foreach (var value in _h.Vault.Values.Concat(sensitive))
        {
            Assert.False(json.Contains(value, StringComparison.Ordinal), "the answer holds a secret value");
        }

        Assert.DoesNotContain("hunter", json, StringComparison.Ordinal);
        Assert.DoesNotContain("-pw-", json, StringComparison.Ordinal);
    }

    /// <summary>
    /// Applies the app to <paramref name="environment"/>, then gives its saved spec <paramref name="env"/> (a secret
    /// reference can be written in a spec once the vault's part is merged; until then it is saved as the apply would).
    /// </summary>
    private async Task DeployAsync(string environment, IReadOnlyList<EnvVar> env, IReadOnlyList<string> required)
    {
        var outcome = await _h.Apply.ApplyAsync(
            new ApplyRequest(_h.Temp.Combine("web.yaml"), "apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec: {artifact: {path: ./artifact}, command: dotnet, replicas: 0}\n", _h.Temp.Path, environment),
            dryRun: false,
            Ct);
        Assert.Empty(outcome.Errors);
        var record = (await _h.Store.GetAppAsync("web", environment, Ct))!;
        var spec = record.Spec with { RequiredEnv = required, Template = record.Spec.Template with { Env = env } };
        await _h.Store.SaveAppAsync(record with { Spec = spec }, null, await _h.Store.GetStatusAsync("web", environment, Ct), [], Ct);
    }

    private static EnvVar Secret(string name, string secret, string key) => new(name, "") { SecretKeyRef = new SecretKeyRef(secret, key) };
}
