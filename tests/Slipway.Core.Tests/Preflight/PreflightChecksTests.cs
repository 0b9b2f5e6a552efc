using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Preflight;

/// <summary>
/// The checks before a revision starts, as stories: what is refused, what is only said, and the one message that names
/// every missing item at once — never a secret's value.
/// </summary>
public sealed class PreflightChecksTests
{
    private const string SecretValue = "postgres://app:pw-0f9c2e@db.internal/app";

    [Fact]
    public void A_spec_that_sets_every_required_name_and_has_a_readiness_probe_passes_without_a_word()
    {
        var spec = SpecWith(required: ["DATABASE_URL"], env: [new EnvVar("DATABASE_URL", "postgres://db.internal/app")], readiness: true);

        var result = Run(spec);

        Assert.False(result.Refused);
        Assert.Empty(result.Items);
        Assert.Null(result.Message);
    }

    [Fact]
    public void Every_missing_item_is_named_at_once_in_one_message_a_tired_engineer_understands()
    {
        var spec = SpecWith(required: ["DATABASE_URL", "SMTP_HOST"], env: [new EnvVar("SMTP_HOST", "CHANGEME")], readiness: true);

        var result = Run(spec, environment: "prod");

        Assert.True(result.Refused);
        Assert.Equal(
            "web/prod cannot be released: DATABASE_URL is required but not set (set it in spec.env, or from a secret: "
            + "slipway secret set database url=… -e prod and env: [{name: DATABASE_URL, valueFrom: {secretKeyRef: {name: database, key: url}}}]); "
            + "SMTP_HOST is required but its value 'CHANGEME' is a placeholder",
            result.Message);
        Assert.Equal(
            [("DATABASE_URL", PreflightCheck.RequiredEnvMissing, "spec.requiredEnv[0]"), ("SMTP_HOST", PreflightCheck.RequiredEnvPlaceholder, "spec.env[0].value")],
            result.Items.Select(i => (i.Name, i.Check, i.Path)));
    }

    [Theory]
    [InlineData("OVERRIDE", "its value 'OVERRIDE' is a placeholder")]
    [InlineData("todo", "its value 'todo' is a placeholder")]
    [InlineData("TBD", "its value 'TBD' is a placeholder")]
    [InlineData("FixMe", "its value 'FixMe' is a placeholder")]
    [InlineData("<smtp host>", "its value '<smtp host>' is a placeholder")]
    [InlineData("", "its value is empty")]
    [InlineData("   ", "its value is empty")]
    [InlineData("smtp://${SMTP_HOST}:25", "its value holds '${SMTP_HOST}', a placeholder left unexpanded (Slipway expands no ${…}, $(…) or {{…}} in env)")]
    [InlineData("$(SMTP_HOST)", "its value holds '$(SMTP_HOST)', a placeholder left unexpanded (Slipway expands no ${…}, $(…) or {{…}} in env)")]
    [InlineData("{{ .smtp }}", "its value holds '{{ .smtp }}', a placeholder left unexpanded (Slipway expands no ${…}, $(…) or {{…}} in env)")]
    public void A_required_name_whose_value_is_a_placeholder_is_refused(string value, string why)
    {
        var result = Run(SpecWith(required: ["SMTP_HOST"], env: [new EnvVar("SMTP_HOST", value)], readiness: true));

        var item = Assert.Single(result.Items);
        Assert.Equal((PreflightCheck.RequiredEnvPlaceholder, PreflightSeverity.Error), (item.Check, item.Severity));
        Assert.Equal($"SMTP_HOST is required but {why}", item.Message);
    }

    [Fact]
    public void A_placeholder_in_a_name_that_is_not_required_is_none_of_the_checks_business()
    {
        var result = Run(SpecWith(required: [], env: [new EnvVar("FEATURE", "TODO"), new EnvVar("EMPTY", "")], readiness: true));

        Assert.Empty(result.Items);
    }

    [Fact]
    public void A_required_name_from_a_secret_that_is_set_passes()
    {
        var spec = SpecWith(required: ["DATABASE_URL"], env: [FromSecret("DATABASE_URL", "db", "url")], readiness: true);

        var result = Run(spec, secrets: Secrets(("db", "url", SecretValue)));

        Assert.Empty(result.Items);
    }

    [Fact]
    public void A_required_name_from_a_secret_that_is_not_set_says_how_to_set_it()
    {
        var spec = SpecWith(required: ["DATABASE_URL"], env: [new EnvVar("LOG", "info"), FromSecret("DATABASE_URL", "db", "url")], readiness: true);

        var result = Run(spec, environment: "prod");

        var item = Assert.Single(result.Items);
        Assert.Equal((PreflightCheck.RequiredEnvMissing, "spec.env[1].valueFrom.secretKeyRef"), (item.Check, item.Path));
        Assert.Equal("DATABASE_URL is required but secret db/url is not set in prod (set it: slipway secret set db url=… -e prod)", item.Message);
    }

    [Fact]
    public void A_pinned_version_that_does_not_exist_is_named()
    {
        var spec = SpecWith(required: ["DATABASE_URL"], env: [FromSecret("DATABASE_URL", "db", "url", version: 4)], readiness: true);

        var result = Run(spec, environment: "prod");

        Assert.Contains("secret db/url has no version 4 in prod", Assert.Single(result.Items).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CHANGEME", "is a placeholder")]
    [InlineData("${DATABASE_URL}", "is a placeholder")]
    [InlineData(" ", "is empty")]
    public void A_secret_whose_value_is_a_placeholder_is_refused_without_printing_the_value(string value, string why)
    {
        var spec = SpecWith(required: ["DATABASE_URL"], env: [FromSecret("DATABASE_URL", "db", "url")], readiness: true);

        var result = Run(spec, environment: "prod", secrets: Secrets(("db", "url", value)));

        var item = Assert.Single(result.Items);
        Assert.Equal(PreflightCheck.RequiredEnvPlaceholder, item.Check);
        Assert.Equal($"DATABASE_URL is required but the value of secret db/url {why} (set it: slipway secret set db url=… -e prod)", item.Message);
        if (value.Trim().Length > 0)
        {
            Assert.DoesNotContain(value, result.Message!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_secret_value_never_appears_in_any_item_or_message()
    {
        var spec = SpecWith(required: ["DATABASE_URL", "MISSING"], env: [FromSecret("DATABASE_URL", "db", "url"), FromSecret("OTHER", "db", "other")], readiness: false);

        var result = Run(spec, secrets: Secrets(("db", "url", SecretValue), ("db", "other", SecretValue + "-other")));

        Assert.True(result.Refused);
        var everything = string.Join("\n", result.Items.Select(i => i.ToString()).Append(result.Message).Concat(result.WarningMessages));
        Assert.False(everything.Contains(SecretValue, StringComparison.Ordinal), "a secret's value appears in the preflight result");
        Assert.False(everything.Contains("pw-0f9c2e", StringComparison.Ordinal), "part of a secret's value appears in the preflight result");
    }

    [Fact]
    public void A_name_that_is_not_required_but_comes_from_a_secret_that_is_not_set_is_refused_too()
    {
        var spec = SpecWith(required: [], env: [FromSecret("API_KEY", "payments", "key")], readiness: true);

        var result = Run(spec, environment: "staging");

        var item = Assert.Single(result.Items);
        Assert.Equal((PreflightCheck.SecretMissing, PreflightSeverity.Error), (item.Check, item.Severity));
        Assert.Equal("API_KEY is set from secret payments/key, which is not set in staging (set it: slipway secret set payments key=… -e staging)", item.Message);
    }

    [Fact]
    public void Replicas_without_a_readiness_probe_is_a_warning_by_default_and_the_release_goes_ahead()
    {
        var result = Run(SpecWith(required: [], env: [], readiness: false, replicas: 3));

        Assert.False(result.Refused);
        var item = Assert.Single(result.Items);
        Assert.Equal((PreflightCheck.ReadinessProbe, PreflightSeverity.Warning, "spec.probes.readiness"), (item.Check, item.Severity, item.Path));
        Assert.Equal(
            "web/dev: 3 replicas and no readiness probe: each instance gets traffic as soon as its process starts, ready or not (add spec.probes.readiness, or set spec.preflight.readinessProbe: off)",
            Assert.Single(result.WarningMessages));
    }

    [Fact]
    public void With_readinessProbe_error_it_refuses_and_with_off_it_says_nothing()
    {
        var strict = SpecWith(required: [], env: [], readiness: false, replicas: 1) with { Preflight = new PreflightPolicy(PreflightLevel.Error) };
        var quiet = strict with { Preflight = new PreflightPolicy(PreflightLevel.Off) };

        var refused = Run(strict);

        Assert.True(refused.Refused);
        Assert.Equal("web/dev cannot be released: 1 replica and no readiness probe: each instance gets traffic as soon as its process starts, ready or not (add spec.probes.readiness, or set spec.preflight.readinessProbe: warn or off)", refused.Message);
        Assert.Empty(Run(quiet).Items);
    }

    [Fact]
    public void An_app_without_replicas_needs_no_readiness_probe()
    {
        var spec = SpecWith(required: [], env: [], readiness: false, replicas: 0) with { Preflight = new PreflightPolicy(PreflightLevel.Error) };

        Assert.Empty(Run(spec).Items);
    }

    [Theory]
    [InlineData(ArtifactState.Missing, null, "its artifact sha256:abc is no longer in the server's store (removed by housekeeping or by hand): apply the spec again to copy it")]
    [InlineData(ArtifactState.DigestMismatch, "sha256:def", "the stored copy of its artifact sha256:abc no longer has that content (it hashes to sha256:def): it was changed on disk; apply the spec again")]
    [InlineData(ArtifactState.Unreadable, "permission denied", "the stored copy of its artifact sha256:abc could not be checked: permission denied")]
    public void An_artifact_the_store_no_longer_holds_as_it_was_is_refused(ArtifactState state, string? detail, string message)
    {
        var result = PreflightChecks.Run("web", "dev", SpecWith(required: [], env: [], readiness: true), PreflightFacts.None with { Artifact = new ArtifactFact(state, "sha256:abc", detail) });

        var item = Assert.Single(result.Items);
        Assert.Equal((PreflightCheck.Artifact, "spec.artifact.path", message), (item.Check, item.Path, item.Message));
    }

    [Fact]
    public void Errors_and_warnings_together_refuse_with_the_errors_and_still_list_the_warning()
    {
        var spec = SpecWith(required: ["A", "B"], env: [new EnvVar("B", "")], readiness: false, replicas: 2);

        var result = PreflightChecks.Run("web", "prod", spec, PreflightFacts.None with { Artifact = new ArtifactFact(ArtifactState.Missing, "sha256:abc") });

        Assert.Equal(
            [PreflightCheck.RequiredEnvMissing, PreflightCheck.RequiredEnvPlaceholder, PreflightCheck.ReadinessProbe, PreflightCheck.Artifact],
            result.Items.Select(i => i.Check));
        Assert.Equal(3, result.Errors.Count());
        Assert.Single(result.Warnings);
        Assert.StartsWith("web/prod cannot be released: A is required but not set", result.Message, StringComparison.Ordinal);
        Assert.Contains("; B is required but its value is empty; its artifact sha256:abc is no longer", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_point_at_the_lines_to_fix_in_the_spec_file()
    {
        var manifest = ParseOne(Minimal + """

              env:
                - name: SMTP_HOST
                  value: CHANGEME
              requiredEnv:
                - DATABASE_URL
                - SMTP_HOST
              replicas: 2
            """);

        var result = PreflightChecks.Run("web", "prod", manifest.Spec, PreflightFacts.None);

        Assert.Equal(
            [
                "apps/web.yaml:13:7: spec.requiredEnv[0]: web/prod cannot be released: DATABASE_URL is required but not set (set it in spec.env, or from a secret: slipway secret set database url=… -e prod and env: [{name: DATABASE_URL, valueFrom: {secretKeyRef: {name: database, key: url}}}])",
                "apps/web.yaml:11:14: spec.env[0].value: web/prod cannot be released: SMTP_HOST is required but its value 'CHANGEME' is a placeholder",
            ],
            result.SpecErrors(manifest.Source).Select(e => e.ToString()));
        Assert.Equal(
            ["apps/web.yaml:5:1: spec.probes.readiness: web/prod: 2 replicas and no readiness probe: each instance gets traffic as soon as its process starts, ready or not (add spec.probes.readiness, or set spec.preflight.readinessProbe: off)"],
            result.SpecWarnings(manifest.Source).Select(e => e.ToString()));
    }

    internal static ApplicationSpec SpecWith(IReadOnlyList<string> required, IReadOnlyList<EnvVar> env, bool readiness, int replicas = 1)
    {
        var spec = ParseOne(Minimal).Spec;
        var probes = readiness ? new ProbeSet(null, new ProbeSpec(new HttpGetAction("/healthz", null)), null) : ProbeSet.None;
        return spec with { Replicas = replicas, RequiredEnv = required, Template = spec.Template with { Env = env, Probes = probes } };
    }

    internal static EnvVar FromSecret(string name, string secret, string key, int? version = null) =>
        new(name, "") { SecretKeyRef = new SecretKeyRef(secret, key) { Version = version } };

    internal static Dictionary<SecretKeyRef, SecretFact> Secrets(params (string Name, string Key, string Value)[] values) =>
        values.ToDictionary(v => new SecretKeyRef(v.Name, v.Key), v => new SecretFact(2, v.Value));

    private static PreflightResult Run(ApplicationSpec spec, string environment = "dev", Dictionary<SecretKeyRef, SecretFact>? secrets = null) =>
        PreflightChecks.Run("web", environment, spec, new PreflightFacts(secrets ?? [], ArtifactFact.Verified("sha256:abc")));
}
