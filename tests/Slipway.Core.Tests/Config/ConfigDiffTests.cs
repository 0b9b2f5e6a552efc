using Slipway.Core.Config;
using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Preflight.PreflightChecksTests;

namespace Slipway.Core.Tests.Config;

/// <summary>Two environments' configuration compared: missing names first, then values (never a secret's), then requiredEnv.</summary>
public sealed class ConfigDiffTests
{
    private const string DevSecret = "dev-secret-value-41a";
    private const string ProdSecret = "prod-secret-value-93c";

    [Fact]
    public void Missing_names_come_first_the_other_environment_first_then_differing_values_then_required_names()
    {
        var dev = Config("dev", required: ["DATABASE_URL"], env:
        [
            new EnvVar("LOG_LEVEL", "debug"),
            new EnvVar("SMTP_HOST", "localhost"),
            new EnvVar("API_TOKEN", "dev-token"),
            FromSecret("DATABASE_URL", "db", "url"),
            FromSecret("CACHE_URL", "cache", "url"),
            new EnvVar("VERSION", "v2"),
        ]);
        var prod = Config("prod", required: ["DATABASE_URL", "SMTP_HOST"], env:
        [
            new EnvVar("LOG_LEVEL", "info"),
            new EnvVar("API_TOKEN", "prod-token"),
            FromSecret("DATABASE_URL", "db", "url"),
            new EnvVar("CACHE_URL", "redis://cache.prod:6379"),
            new EnvVar("VERSION", "v2"),
            new EnvVar("LEGACY_MODE", "on"),
        ]);

        var diff = ConfigDiff.Compare(dev, prod);

        Assert.False(diff.Equal);
        Assert.Equal([("prod", "SMTP_HOST"), ("dev", "LEGACY_MODE")], diff.Missing.Select(m => (m.Environment, string.Join(", ", m.Names))));
        Assert.Equal(
            [
                "LOG_LEVEL: 'debug' in dev, 'info' in prod",
                "API_TOKEN: (value differs)",
                "CACHE_URL: from secret cache/url in dev, 'redis://cache.prod:6379' in prod",
            ],
            diff.Different.Select(d => d.Summary));
        Assert.Equal(["DATABASE_URL: from secret db/url in both (values not compared)"], diff.SecretsInBoth.Select(d => d.Summary));
        Assert.Equal(
            ["SMTP_HOST: required in prod only, and not satisfied there (SMTP_HOST is required but not set (set it in spec.env, or from a secret: slipway secret set smtp host=… -e prod and env: [{name: SMTP_HOST, valueFrom: {secretKeyRef: {name: smtp, key: host}}}]))"],
            diff.RequiredEnv.Select(d => d.Summary));
        Assert.Equal(["VERSION"], diff.Same);
    }

    [Fact]
    public void The_same_configuration_is_equal_and_secret_values_are_never_compared_nor_shown()
    {
        var dev = Config("dev", required: [], env: [new EnvVar("LOG_LEVEL", "info"), FromSecret("DATABASE_URL", "db", "url")]);
        var prod = Config("prod", required: [], env: [new EnvVar("LOG_LEVEL", "info"), FromSecret("DATABASE_URL", "db", "url")]);

        var diff = ConfigDiff.Compare(dev, prod);

        Assert.True(diff.Equal);
        var printed = System.Text.Json.JsonSerializer.Serialize(diff);
        Assert.False(printed.Contains(DevSecret, StringComparison.Ordinal) || printed.Contains(ProdSecret, StringComparison.Ordinal), "a secret's value appears in the comparison");
    }

    [Fact]
    public void A_requirement_satisfied_in_one_environment_only_is_a_difference()
    {
        var dev = Config("dev", required: ["SMTP_HOST"], env: [new EnvVar("SMTP_HOST", "localhost")]);
        var prod = Config("prod", required: ["SMTP_HOST"], env: [new EnvVar("SMTP_HOST", "TODO")]);

        var diff = ConfigDiff.Compare(dev, prod);

        Assert.Equal(["SMTP_HOST: required in both, not satisfied in prod (SMTP_HOST is required but its value 'TODO' is a placeholder)"], diff.RequiredEnv.Select(d => d.Summary));
        Assert.Equal(["SMTP_HOST: 'localhost' in dev, 'TODO' in prod"], diff.Different.Select(d => d.Summary));
    }

    [Fact]
    public void Different_secret_keys_are_a_difference_named_by_key()
    {
        var dev = Config("dev", required: [], env: [FromSecret("DATABASE_URL", "db", "url")]);
        var prod = Config("prod", required: [], env: [FromSecret("DATABASE_URL", "pg", "url")]);

        Assert.Equal(["DATABASE_URL: from secret db/url in dev, from secret pg/url in prod"], ConfigDiff.Compare(dev, prod).Different.Select(d => d.Summary));
    }

    private static EffectiveConfig Config(string environment, IReadOnlyList<string> required, IReadOnlyList<EnvVar> env)
    {
        var secrets = Secrets(("db", "url", environment == "dev" ? DevSecret : ProdSecret), ("cache", "url", DevSecret), ("pg", "url", ProdSecret));
        return EffectiveConfig.Of("web", environment, 2, SpecWith(required, env, readiness: true), new PreflightFacts(secrets, ArtifactFact.NotChecked));
    }
}
