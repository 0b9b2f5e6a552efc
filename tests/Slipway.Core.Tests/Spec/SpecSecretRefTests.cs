using Slipway.Core.Spec;
using Slipway.Core.Spec.Diff;
using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// Env entries that take their value from a secret, written as Kubernetes writes them
/// (<c>valueFrom.secretKeyRef</c>): read into <see cref="EnvVar.SecretKeyRef"/>, wrong ones reported with their position,
/// and shown in a diff as the reference they are, never as a value.
/// </summary>
public sealed class SpecSecretRefTests
{
    [Fact]
    public void Value_from_a_secret_key_is_read_as_a_reference_with_no_value_and_no_version_yet()
    {
        var manifest = ParseOne(Minimal + """

              env:
                - name: VERSION
                  value: v1
                - name: DATABASE_URL
                  valueFrom:
                    secretKeyRef: {name: db, key: url}
            """);

        Assert.Collection(
            manifest.Spec.Template.Env,
            e => Assert.Equal(new EnvVar("VERSION", "v1"), e),
            e =>
            {
                Assert.Equal("DATABASE_URL", e.Name);
                Assert.Equal("", e.Value);
                Assert.Equal(new SecretKeyRef("db", "url"), e.SecretKeyRef);
                Assert.Null(e.SecretKeyRef!.Version);
            });
    }

    [Theory]
    [InlineData("tls.crt")]
    [InlineData("API_KEY")]
    [InlineData("a-b_c.d")]
    [InlineData("9")]
    public void Keys_follow_the_kubernetes_rule(string key)
    {
        var manifest = ParseOne(Minimal + $"\n  env: [{{name: X, valueFrom: {{secretKeyRef: {{name: db, key: '{key}'}}}}}}]\n");

        Assert.Equal(key, manifest.Spec.Template.Env.Single().SecretKeyRef!.Key);
    }

    [Fact]
    public void Value_and_value_from_together_are_refused_at_value_from()
    {
        var error = SingleError(Minimal + """

              env:
                - name: DATABASE_URL
                  value: postgres://localhost/shop
                  valueFrom:
                    secretKeyRef: {name: db, key: url}
            """);

        AssertError(error, 12, 7, "spec.env[0].valueFrom", "set either value or valueFrom, not both");
    }

    [Fact]
    public void Wrong_secret_names_and_keys_are_each_reported_with_their_position()
    {
        var errors = Errors(Minimal + """

              env:
                - name: A
                  valueFrom:
                    secretKeyRef: {name: Db_Secret, key: url}
                - name: B
                  valueFrom:
                    secretKeyRef: {name: db, key: "a/b"}
                - name: C
                  valueFrom:
                    secretKeyRef: {key: url}
                - name: D
                  valueFrom:
                    secretKeyRef: {name: db, key: ""}
            """);

        Assert.Collection(
            errors,
            e => AssertError(e, 12, 30, "spec.env[0].valueFrom.secretKeyRef.name", "a secret name must be a DNS label"),
            e => AssertError(e, 15, 39, "spec.env[1].valueFrom.secretKeyRef.key", "a secret key must hold only letters, digits, '.', '_' and '-', got 'a/b'"),
            e => AssertError(e, 18, 9, "spec.env[2].valueFrom.secretKeyRef.name", "missing required field 'name'"),
            e => AssertError(e, 21, 39, "spec.env[3].valueFrom.secretKeyRef.key", "must not be empty"));
    }

    [Theory]
    [InlineData("{configMapKeyRef: {name: cfg, key: url}}", 11, 19, "spec.env[0].valueFrom.configMapKeyRef", "not supported: Slipway has no config maps")]
    [InlineData("{fieldRef: {fieldPath: metadata.name}}", 11, 19, "spec.env[0].valueFrom.fieldRef", "not supported")]
    [InlineData("{secretKeyRef: {name: db, key: url, optional: true}}", 11, 54, "spec.env[0].valueFrom.secretKeyRef.optional", "not supported: a key a spec refers to must exist")]
    [InlineData("{secretRef: {name: db}}", 11, 19, "spec.env[0].valueFrom.secretRef", "unknown field 'secretRef' (did you mean 'secretKeyRef'?)")]
    [InlineData("{}", 11, 18, "spec.env[0].valueFrom", "expected a mapping with secretKeyRef: {name: SECRET, key: KEY}")]
    [InlineData("db/url", 11, 18, "spec.env[0].valueFrom", "expected a mapping, got string 'db/url'")]
    public void Other_sources_and_shapes_are_refused_by_name(string valueFrom, int line, int column, string path, string message)
    {
        var error = SingleError(Minimal + $"\n  env:\n    - name: X\n      valueFrom: {valueFrom}\n");

        AssertError(error, line, column, path, message);
    }

    [Fact]
    public void A_masked_spec_shows_a_secret_reference_as_a_reference_even_under_a_sensitive_name()
    {
        var manifest = ParseOne(Minimal + "\n  env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]\n");
        var pinned = manifest.Spec with
        {
            Template = manifest.Spec.Template with { Env = [manifest.Spec.Template.Env[0] with { SecretKeyRef = new SecretKeyRef("db", "password") { Version = 3 } }] },
        };

        var masked = SensitiveValues.Mask(pinned);
        var text = CanonicalSpec.Render("web", "dev", masked);

        Assert.Equal(pinned.Template.Env[0], masked.Template.Env[0]);
        Assert.Contains("""
                - name: DB_PASSWORD
                  valueFrom:
                    secretKeyRef:
                      name: db
                      key: password
                      version: 3
            """, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SensitiveValues.Hidden, text, StringComparison.Ordinal);
    }
}
