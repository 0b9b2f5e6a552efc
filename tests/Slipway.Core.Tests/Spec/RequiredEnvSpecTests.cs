using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// <c>requiredEnv</c> and <c>preflight</c> as written in a spec: their defaults, and every mistake reported at its line
/// and column with the field path. Documents built from <see cref="SpecTestFiles.Minimal"/> (8 lines), fields from line 9.
/// </summary>
public sealed class RequiredEnvSpecTests
{
    [Fact]
    public void Without_them_nothing_is_required_and_the_readiness_probe_advice_is_a_warning()
    {
        var spec = ParseOne(Minimal).Spec;

        Assert.Empty(spec.RequiredEnv);
        Assert.Equal(PreflightLevel.Warn, spec.Preflight.ReadinessProbe);
    }

    [Theory]
    [InlineData("warn", PreflightLevel.Warn)]
    [InlineData("error", PreflightLevel.Error)]
    [InlineData("off", PreflightLevel.Off)]
    public void Both_are_read_as_written(string level, PreflightLevel expected)
    {
        var spec = ParseOne(Minimal + $"\n  requiredEnv: [DATABASE_URL, SMTP_HOST]\n  preflight: {{readinessProbe: {level}}}\n").Spec;

        Assert.Equal(["DATABASE_URL", "SMTP_HOST"], spec.RequiredEnv);
        Assert.Equal(expected, spec.Preflight.ReadinessProbe);
    }

    [Fact]
    public void Names_follow_the_env_name_rule_are_unique_and_are_not_those_Slipway_sets_all_reported_at_once()
    {
        var errors = Errors(Minimal + """

              requiredEnv:
                - DATABASE_URL
                - 9LIVES
                - DATABASE_URL
                - PORT
                - SLIPWAY_REVISION
                - ""
                - [A]
            """);

        Assert.Equal(
            [
                "apps/web.yaml:11:7: spec.requiredEnv[1]: must be a letter or '_' followed by letters, digits or '_', got '9LIVES'",
                "apps/web.yaml:12:7: spec.requiredEnv[2]: duplicate name 'DATABASE_URL' (first listed at line 10)",
                "apps/web.yaml:13:7: spec.requiredEnv[3]: PORT is set by Slipway for every instance: requiredEnv lists what the spec itself must set",
                "apps/web.yaml:14:7: spec.requiredEnv[4]: SLIPWAY_REVISION is set by Slipway for every instance: requiredEnv lists what the spec itself must set",
                "apps/web.yaml:15:7: spec.requiredEnv[5]: must not be empty",
                "apps/web.yaml:16:7: spec.requiredEnv[6]: expected a string, got a list",
            ],
            errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("requiredEnv: DATABASE_URL", 9, 16, "spec.requiredEnv", "expected a list, got string 'DATABASE_URL'")]
    [InlineData("requiredEnv: [~]", 9, 17, "spec.requiredEnv[0]", "expected a string, got null")]
    [InlineData("preflight: {readinessProbe: warning}", 9, 31, "spec.preflight.readinessProbe", "expected one of: warn, error, off, got 'warning'")]
    [InlineData("preflight: {readinessProbe: Error}", 9, 31, "spec.preflight.readinessProbe", "expected one of: warn, error, off, got 'Error' (did you mean 'error'?)")]
    [InlineData("preflight: {readiness: off}", 9, 15, "spec.preflight.readiness", "unknown field 'readiness' (expected one of: readinessProbe)")]
    [InlineData("preflight: off", 9, 14, "spec.preflight", "expected a mapping, got string 'off'")]
    [InlineData("requiredEnvs: [A]", 9, 3, "spec.requiredEnvs", "unknown field 'requiredEnvs' (did you mean 'requiredEnv'?)")]
    public void A_mistake_is_reported_where_it_is(string line, int lineNumber, int column, string path, string message)
    {
        var error = SingleError(Minimal + "\n  " + line + "\n");

        Assert.Equal($"apps/web.yaml:{lineNumber}:{column}: {path}: {message}", error.ToString());
    }

    [Fact]
    public void A_required_name_can_be_pointed_at_after_parsing()
    {
        var manifest = ParseOne(Minimal + "\n  requiredEnv:\n    - A\n    - B\n");

        var at = manifest.Source!.PositionOf("spec.requiredEnv[1]");

        Assert.Equal((11, 7), (at.Line, at.Column));
    }
}
