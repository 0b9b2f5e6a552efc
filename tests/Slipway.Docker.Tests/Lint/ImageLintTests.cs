using Slipway.Docker.Images;
using Slipway.Docker.Lint;

namespace Slipway.Docker.Tests.Lint;

public sealed class ImageLintTests
{
    private static readonly ImageDetails NonRoot = Image(user: "10001");

    [Fact]
    public void A_root_image_is_flagged_at_its_USER_line_or_without_one()
    {
        var noUser = ImageLint.Check(Dockerfile.Parse("FROM scratch\nCOPY app /\n"), Image(user: ""), null, ImageLintOptions.Default);
        var userRoot = ImageLint.Check(Dockerfile.Parse("FROM scratch\nUSER 10001\nUSER root\n"), Image(user: "root"), null, ImageLintOptions.Default);
        var zero = ImageLint.Check(Dockerfile.Parse("FROM scratch\n"), Image(user: "0:0"), null, ImageLintOptions.Default);
        var clean = ImageLint.Check(Dockerfile.Parse("FROM scratch\nUSER 10001\n"), NonRoot, null, ImageLintOptions.Default);

        Assert.Equal((LintRule.RunsAsRoot, LintLevel.Warn, (int?)null), Single(noUser));
        Assert.Contains("no USER instruction", noUser.Findings[0].Message);
        Assert.Equal((LintRule.RunsAsRoot, LintLevel.Warn, (int?)3), Single(userRoot));
        Assert.Equal(LintRule.RunsAsRoot, Single(zero).Rule);
        Assert.Empty(clean.Findings);
    }

    [Fact]
    public void Bases_not_pinned_by_digest_or_on_latest_are_flagged_and_stages_and_scratch_are_not()
    {
        var dockerfile = Dockerfile.Parse("""
            ARG RUNTIME=registry.example.com/dotnet/runtime:10.0
            ARG PINNED=registry.example.com/debian:12@sha256:4f1c5a0cd1b5f8a7f0b2e5c9f5b7d1a3e6c8b0a2d4f6e8a0c2e4a6c8e0a2c4e6
            FROM debian AS build
            FROM registry.example.com/sdk:latest AS sdk
            FROM build AS test
            FROM ${RUNTIME}
            FROM $PINNED
            FROM --platform=linux/amd64 scratch
            """);

        var report = ImageLint.Check(dockerfile, NonRoot, null, ImageLintOptions.Default);

        Assert.Equal([3, 4, 6], report.Findings.Select(f => f.Line!.Value));
        Assert.All(report.Findings, f => Assert.Equal(LintRule.UnpinnedBase, f.Rule));
        Assert.Contains("no tag means latest", report.Findings[0].Message);
        Assert.Contains("':latest'", report.Findings[1].Message);
        Assert.Contains("'${RUNTIME}' (= 'registry.example.com/dotnet/runtime:10.0') is not pinned by digest", report.Findings[2].Message);
    }

    [Fact]
    public void A_build_arg_that_pins_the_base_satisfies_the_rule_and_a_missing_one_is_named()
    {
        var dockerfile = Dockerfile.Parse("ARG BASE\nFROM ${BASE}\n");
        var pinned = new Dictionary<string, string> { ["BASE"] = "localhost:5000/base@sha256:4f1c5a0cd1b5f8a7f0b2e5c9f5b7d1a3e6c8b0a2d4f6e8a0c2e4a6c8e0a2c4e6" };

        Assert.Empty(ImageLint.Check(dockerfile, NonRoot, pinned, ImageLintOptions.Default).Findings);
        Assert.Contains("ARG BASE, which has no value", Assert.Single(ImageLint.Check(dockerfile, NonRoot, null, ImageLintOptions.Default).Findings).Message);
    }

    [Fact]
    public void Secret_looking_ENV_and_ARG_names_fail_by_default_with_their_lines()
    {
        var dockerfile = Dockerfile.Parse("""
            FROM scratch
            ARG NUGET_TOKEN
            ENV DB_PASSWORD=hunter2 LOG_LEVEL=info
            ENV STRIPE_API_KEY sk_live_1
            ENV POSTGRES_PASSWORD_FILE=/run/secrets/db PWD=/app KEYBOARD=us
            """);

        var report = ImageLint.Check(dockerfile, Image(user: "10001", env: ["PATH=/bin", "AWS_SECRET_ACCESS_KEY=x"]), null, ImageLintOptions.Default);

        Assert.True(report.Failed);
        Assert.Equal(
            [(2, "ARG NUGET_TOKEN"), (3, "ENV DB_PASSWORD"), (4, "ENV STRIPE_API_KEY"), (null, "ENV AWS_SECRET_ACCESS_KEY")],
            report.Findings.Select(f => (f.Line, f.Message.Split(" looks")[0].Replace(" (from the base image)", "", StringComparison.Ordinal))));
        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void Levels_are_configurable_and_off_reports_nothing()
    {
        var dockerfile = Dockerfile.Parse("FROM debian\nENV API_TOKEN=x\n");
        var options = new ImageLintOptions(RunsAsRoot: LintLevel.Fail, UnpinnedBase: LintLevel.Off, SecretName: LintLevel.Warn, SizeBudgetBytes: 1024 * 1024);

        var report = ImageLint.Check(dockerfile, Image(user: "", size: 3 * 1024 * 1024), null, options);

        Assert.Equal(
            [(LintRule.SecretName, LintLevel.Warn), (LintRule.RunsAsRoot, LintLevel.Fail), (LintRule.ImageSize, LintLevel.Warn)],
            report.Findings.Select(f => (f.Rule, f.Level)));
        Assert.Equal("the image is 3 MiB, above the budget of 1 MiB", report.Findings[2].Message);
        Assert.StartsWith("Dockerfile:2: warn: SecretName: ENV API_TOKEN looks like a secret", report.Format("Dockerfile").First());
        Assert.True(ImageLintOptions.TryParseLevel("FAIL", out var level) && level == LintLevel.Fail);
        Assert.False(ImageLintOptions.TryParseLevel("error", out _));
    }

    private static (LintRule Rule, LintLevel Level, int? Line) Single(LintReport report)
    {
        var finding = Assert.Single(report.Findings);
        return (finding.Rule, finding.Level, finding.Line);
    }

    private static ImageDetails Image(string user, IReadOnlyList<string>? env = null, long size = 1000) =>
        new("sha256:" + new string('a', 64), [], [], size, null, user, env ?? [], new Dictionary<string, string>());
}
