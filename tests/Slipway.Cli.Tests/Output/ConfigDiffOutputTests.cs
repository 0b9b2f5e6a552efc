using System.Text.Json;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Preflight;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;

namespace Slipway.Cli.Tests.Output;

/// <summary><c>slipway diff APP --from dev --to prod</c>: missing names first, then values, then required names, never a secret's value.</summary>
public sealed class ConfigDiffOutputTests
{
    private const string DevSecret = "dev-db-pw-4c1";
    private const string ProdSecret = "prod-db-pw-8e2";

    [Fact]
    public void Missing_names_come_first_then_differences_then_what_was_not_compared()
    {
        var text = Render(
            dev: [new EnvVar("LOG_LEVEL", "debug"), new EnvVar("SMTP_HOST", "localhost"), new EnvVar("API_TOKEN", "tok-dev"), Secret("DATABASE_URL"), new EnvVar("VERSION", "v2")],
            prod: [new EnvVar("LOG_LEVEL", "info"), new EnvVar("API_TOKEN", "tok-prod"), Secret("DATABASE_URL"), new EnvVar("VERSION", "v2"), new EnvVar("LEGACY", "on")],
            prodRequired: ["LOG_LEVEL"]);

        Assert.Equal(
            """
            web: dev (revision 3) and prod (revision 5) differ
            Missing in prod: SMTP_HOST
            Missing in dev: LEGACY
            Different values:
              LOG_LEVEL: 'debug' in dev, 'info' in prod
              API_TOKEN: (value differs)
            requiredEnv:
              LOG_LEVEL: required in prod only
            Not compared (from the same secret in both):
              DATABASE_URL: from secret db/url in both (values not compared)
            Same in both: VERSION

            """.ReplaceLineEndings("\n"),
            text);
        Assert.False(text.Contains(DevSecret, StringComparison.Ordinal) || text.Contains(ProdSecret, StringComparison.Ordinal), "a secret's value was printed");
        Assert.DoesNotContain("tok-", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_configuration_says_so()
    {
        var text = Render(dev: [new EnvVar("LOG_LEVEL", "info"), Secret("DATABASE_URL")], prod: [new EnvVar("LOG_LEVEL", "info"), Secret("DATABASE_URL")], prodRequired: []);

        Assert.StartsWith("web: dev (revision 3) and prod (revision 5) have the same configuration\nNot compared", text, StringComparison.Ordinal);
        Assert.EndsWith("Same in both: LOG_LEVEL\n", text, StringComparison.Ordinal);
    }

    private static string Render(IReadOnlyList<EnvVar> dev, IReadOnlyList<EnvVar> prod, IReadOnlyList<string> prodRequired)
    {
        var from = EffectiveConfig.Of("web", "dev", 3, ApplicationSpecs.With([], dev), Facts(DevSecret));
        var to = EffectiveConfig.Of("web", "prod", 5, ApplicationSpecs.With(prodRequired, prod), Facts(ProdSecret));

        // As the CLI reads it: the API's JSON of the server's comparison.
        var json = JsonSerializer.Serialize(ConfigDiff.Compare(from, to), SlipwayJson.Api);
        return ConfigDiffOutput.Text(JsonSerializer.Deserialize<ConfigDiff>(json, SlipwayJson.Options)!);
    }

    private static PreflightFacts Facts(string value) =>
        new(new Dictionary<SecretKeyRef, SecretFact> { [new SecretKeyRef("db", "url")] = new(1, value) }, ArtifactFact.NotChecked);

    private static EnvVar Secret(string name) => new(name, "") { SecretKeyRef = new SecretKeyRef("db", "url") };
}
