using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;

namespace Slipway.Core.Tests.Spec;

/// <summary>Which values a diff hides, and that a change to a hidden value is told without the value.</summary>
public sealed class SensitiveValuesTests
{
    [Theory]
    [InlineData("DB_PASSWORD")]
    [InlineData("SMTP_PASS")]
    [InlineData("apiKey")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("SESSION_SECRET")]
    [InlineData("AWS_CREDENTIALS")]
    [InlineData("TLS_PRIVATE_KEY")]
    [InlineData("Basic-Auth")]
    [InlineData("connection.string")]
    [InlineData("SENTRY_DSN")]
    public void Names_that_look_secret_are_sensitive(string name) => Assert.True(SensitiveValues.IsSensitiveName(name));

    [Theory]
    [InlineData("VERSION")]
    [InlineData("PORT_RANGE")]
    [InlineData("LOG_LEVEL")]
    [InlineData("DATABASE_URL")]
    public void Other_names_are_not(string name) => Assert.False(SensitiveValues.IsSensitiveName(name));

    [Fact]
    public void Env_values_flag_values_and_url_passwords_are_hidden_and_nothing_else()
    {
        var spec = Spec(
            env: [new("VERSION", "v1"), new("DB_PASSWORD", "hunter2"), new("DATABASE_URL", "postgres://app:pw1@db:5432/shop")],
            args: ["app.dll", "--token", "t0k", "--api-key=k3y", "--verbose", "-v", "x"]);

        var masked = SensitiveValues.Mask(spec);

        Assert.Equal(
            [new EnvVar("VERSION", "v1"), new EnvVar("DB_PASSWORD", SensitiveValues.Hidden), new EnvVar("DATABASE_URL", $"postgres://app:{SensitiveValues.Hidden}@db:5432/shop")],
            masked.Template.Env);
        Assert.Equal(["app.dll", "--token", SensitiveValues.Hidden, $"--api-key={SensitiveValues.Hidden}", "--verbose", "-v", "x"], masked.Template.Args);
    }

    [Fact]
    public void Compared_to_another_version_a_changed_secret_shows_as_changed_and_an_equal_one_as_hidden()
    {
        var before = Spec(env: [new("DB_PASSWORD", "old"), new("API_TOKEN", "same"), new("URL", "https://u:p1@h/")], args: ["--secret=a"]);
        var after = Spec(env: [new("DB_PASSWORD", "new"), new("API_TOKEN", "same"), new("URL", "https://u:p2@h/"), new("NEW_KEY", "k")], args: ["--secret=a"]);

        var masked = SensitiveValues.Mask(after, before);

        Assert.Equal(
            [SensitiveValues.Changed, SensitiveValues.Hidden, $"https://u:{SensitiveValues.Changed}@h/", SensitiveValues.Hidden],
            masked.Template.Env.Select(e => e.Value));
        Assert.Equal([$"--secret={SensitiveValues.Hidden}"], masked.Template.Args);
    }

    private static ApplicationSpec Spec(IReadOnlyList<EnvVar> env, IReadOnlyList<string> args) =>
        new(new InstanceTemplate(new ArtifactRef("/out"), "dotnet", args, env, null, ProbeSet.None, 30), 1, new RouteSpec("web.dev.localhost", "/"), 600, RollingStrategy.Default);
}
