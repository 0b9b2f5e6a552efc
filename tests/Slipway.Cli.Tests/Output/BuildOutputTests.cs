using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Build;

namespace Slipway.Cli.Tests.Output;

/// <summary>What <c>slipway build</c> prints once the image is pushed: the summary a person reads, the name a script takes.</summary>
public sealed class BuildOutputTests
{
    private const string Image = "127.0.0.1:5000/web@sha256:9ddf2770a51ebff8dbeed437c0e3036c6d533050e023a5d9af372ccb9d58b851";

    private static readonly BuiltImageView Built = new(
        Image,
        "127.0.0.1:5000/web",
        "sha256:9ddf2770a51ebff8dbeed437c0e3036c6d533050e023a5d9af372ccb9d58b851",
        ["72b341b7f765093f2eadc9879aa3326d6f4e740f", "72b341b", "main", "1.2.3"],
        new Dictionary<string, string>
        {
            ["org.opencontainers.image.version"] = "1.2.3",
            ["org.opencontainers.image.revision"] = "72b341b7f765093f2eadc9879aa3326d6f4e740f",
        },
        [new LintFindingView("RunsAsRoot", "warn", null, "the image runs as root", "Dockerfile: warn: RunsAsRoot: the image runs as root")],
        new GitView("72b341b7f765093f2eadc9879aa3326d6f4e740f", "main", "1.2.3", false, null),
        "sha256:2ab5d1ae091e995789a720187b557571e1e92ab742bee6027a430ed941ac5a0c",
        226_287_616,
        "Dockerfile",
        new DateTimeOffset(2026, 11, 24, 13, 23, 21, TimeSpan.Zero),
        "alice@laptop");

    [Fact]
    public void The_summary_names_the_image_by_digest_its_tags_labels_lint_size_and_how_a_spec_runs_it()
    {
        var text = Printer.Render(OutputFormat.Text, BuildOutput.Create(new JsonObject(), Built));

        Assert.Equal(
            $"""

            image:    {Image}
            tags:     72b341b7f765093f2eadc9879aa3326d6f4e740f, 72b341b, main, 1.2.3
            labels:   org.opencontainers.image.revision=72b341b7f765093f2eadc9879aa3326d6f4e740f
                      org.opencontainers.image.version=1.2.3
            lint:     Dockerfile: warn: RunsAsRoot: the image runs as root
            size:     215.8 MiB
            recorded: by alice@laptop, as a release artifact: artifact: {"{"}image: {Image}{"}"}

            """.ReplaceLineEndings("\n"),
            text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_clean_image_says_so_and_a_script_gets_one_name()
    {
        var clean = BuildOutput.Create(new JsonObject(), Built with { Lint = [], Labels = new Dictionary<string, string>(), Size = 1000 });

        var text = Printer.Render(OutputFormat.Text, clean);
        Assert.Contains("\nlint:     no findings\n", text, StringComparison.Ordinal);
        Assert.Contains("\nlabels:   none\n", text, StringComparison.Ordinal);
        Assert.Contains("\nsize:     1000 bytes\n", text, StringComparison.Ordinal);
        Assert.Equal($"image/{Image}\n", Printer.Render(OutputFormat.Name, clean));
    }
}
