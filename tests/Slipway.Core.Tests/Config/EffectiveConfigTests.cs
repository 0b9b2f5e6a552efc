using Slipway.Core.Config;
using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Preflight.PreflightChecksTests;

namespace Slipway.Core.Tests.Config;

/// <summary>What <c>slipway config</c> shows of a revision's env: every name in order with its source, plain values
/// unless sensitive, secrets by key and version only, and whether each required name is satisfied.</summary>
public sealed class EffectiveConfigTests
{
    private const string SecretValue = "s3cr3t-db-password-7d1e";

    [Fact]
    public void Every_name_in_order_with_its_source_then_the_ones_Slipway_sets()
    {
        var spec = SpecWith(
            required: ["DATABASE_URL", "SMTP_HOST"],
            env: [new EnvVar("LOG_LEVEL", "info"), FromSecret("DATABASE_URL", "db", "url"), new EnvVar("API_TOKEN", "tok-123"), new EnvVar("SMTP_HOST", "CHANGEME")],
            readiness: true);

        var view = EffectiveConfig.Of("web", "prod", 3, spec, new PreflightFacts(Secrets(("db", "url", SecretValue)), ArtifactFact.NotChecked)).View;

        Assert.Equal(
            [
                ("LOG_LEVEL", ConfigSource.Value, "info", false),
                ("DATABASE_URL", ConfigSource.Secret, null, true),
                ("API_TOKEN", ConfigSource.Value, "(sensitive value hidden)", true),
                ("SMTP_HOST", ConfigSource.Value, "CHANGEME", false),
                ("PORT", ConfigSource.Slipway, null, false),
                ("SLIPWAY_APP", ConfigSource.Slipway, "web", false),
                ("SLIPWAY_ENV", ConfigSource.Slipway, "prod", false),
                ("SLIPWAY_REVISION", ConfigSource.Slipway, "3", false),
                ("SLIPWAY_INSTANCE", ConfigSource.Slipway, null, false),
            ],
            view.Env.Select(e => (e.Name, e.Source, e.Value, e.Sensitive)));
        Assert.Equal("(secret db/url, version 2)", view.Env[1].Secret!.Shown);
        Assert.Equal([("DATABASE_URL", true), ("SMTP_HOST", false)], view.RequiredEnv.Select(r => (r.Name, r.Satisfied)));
        Assert.Equal("SMTP_HOST is required but its value 'CHANGEME' is a placeholder", view.RequiredEnv[1].Problem);
        Assert.False(view.ToString().Contains(SecretValue, StringComparison.Ordinal), "the view holds a secret's value");
    }

    [Fact]
    public void A_url_password_is_masked_and_the_rest_of_the_url_shown()
    {
        var spec = SpecWith(required: [], env: [new EnvVar("CACHE_URL", "redis://cache:hunter2@cache.internal:6379")], readiness: true);

        var setting = EffectiveConfig.Of("web", "dev", 1, spec, PreflightFacts.None).View.Env[0];

        Assert.Equal(("redis://cache:(sensitive value hidden)@cache.internal:6379", true), (setting.Value, setting.Sensitive));
    }

    [Fact]
    public void A_secret_that_is_not_set_shows_so_and_fails_its_requirement_a_pinned_version_shows_that_version()
    {
        var spec = SpecWith(required: ["DATABASE_URL"], env: [FromSecret("DATABASE_URL", "db", "url"), FromSecret("SMTP_PASSWORD", "smtp", "password", version: 7)], readiness: true);

        var view = EffectiveConfig.Of("web", "prod", 1, spec, new PreflightFacts(Secrets(("smtp", "password", "x")), ArtifactFact.NotChecked)).View;

        Assert.Equal(["(secret db/url, not set)", "(secret smtp/password, version 7)"], view.Env.Take(2).Select(e => e.Secret!.Shown));
        var required = Assert.Single(view.RequiredEnv);
        Assert.False(required.Satisfied);
        Assert.Equal("DATABASE_URL is required but secret db/url is not set in prod (set it: slipway secret set db url=… -e prod)", required.Problem);
    }
}
