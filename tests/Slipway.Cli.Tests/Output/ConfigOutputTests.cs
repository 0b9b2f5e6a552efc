using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Preflight;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;

namespace Slipway.Cli.Tests.Output;

/// <summary><c>slipway config</c>'s renderings of a view the server built: sources, masked values, secrets by key and
/// version, required names — and no secret value in any format.</summary>
public sealed class ConfigOutputTests
{
    private const string SecretValue = "postgres://web:k8d-secret-93@db/web";

    [Fact]
    public void Text_is_a_table_of_every_name_in_order_then_the_required_names()
    {
        var text = Render(OutputFormat.Text);

        Assert.Equal(
            """
            web (prod), revision 4
            NAME               SOURCE    VALUE
            LOG_LEVEL          value     info
            DATABASE_URL       secret    (secret db/url, version 3)
            SESSION_SECRET     value     (sensitive value hidden)
            SMTP_HOST          value     CHANGEME
            PORT               slipway   (the instance's port, chosen when it starts)
            SLIPWAY_APP        slipway   web
            SLIPWAY_ENV        slipway   prod
            SLIPWAY_REVISION   slipway   4
            SLIPWAY_INSTANCE   slipway   (the instance's id)

            REQUIRED       SATISFIED   PROBLEM
            DATABASE_URL   yes
            SMTP_HOST      no          SMTP_HOST is required but its value 'CHANGEME' is a placeholder

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("wide")]
    [InlineData("json")]
    [InlineData("yaml")]
    [InlineData("name")]
    public void No_format_prints_a_secret_value_or_a_sensitive_plain_value(string format)
    {
        var printed = Render((OutputFormat)OutputFormats.Names.ToList().IndexOf(format));

        Assert.False(printed.Contains(SecretValue, StringComparison.Ordinal), "a secret's value was printed");
        Assert.False(printed.Contains("k8d-secret-93", StringComparison.Ordinal), "part of a secret's value was printed");
        Assert.False(printed.Contains("sess-77b2", StringComparison.Ordinal), "a sensitive plain value was printed");
    }

    [Fact]
    public void Name_lists_each_env_name()
    {
        Assert.StartsWith("env/LOG_LEVEL\nenv/DATABASE_URL\n", Render(OutputFormat.Name), StringComparison.Ordinal);
    }

    private static string Render(OutputFormat format)
    {
        var spec = ApplicationSpecs.With(
            ["DATABASE_URL", "SMTP_HOST"],
            [new EnvVar("LOG_LEVEL", "info"), new EnvVar("DATABASE_URL", "") { SecretKeyRef = new SecretKeyRef("db", "url") }, new EnvVar("SESSION_SECRET", "sess-77b2"), new EnvVar("SMTP_HOST", "CHANGEME")]);
        var secrets = new Dictionary<SecretKeyRef, SecretFact> { [new SecretKeyRef("db", "url")] = new(3, SecretValue) };
        var view = EffectiveConfig.Of("web", "prod", 4, spec, new PreflightFacts(secrets, ArtifactFact.NotChecked)).View;

        // As the CLI reads it: the API's JSON.
        var json = JsonSerializer.Serialize(view, SlipwayJson.Api);
        var read = JsonSerializer.Deserialize<ConfigView>(json, SlipwayJson.Options)!;
        return Printer.Render(format, new ConfigOutput(JsonNode.Parse(json)!, read));
    }
}
