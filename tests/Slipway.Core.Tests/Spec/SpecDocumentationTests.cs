using System.Text.RegularExpressions;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>Keeps docs/spec.md honest: its examples are parsed, and its error listing is what the parser prints.</summary>
public sealed partial class SpecDocumentationTests
{
    [Fact]
    public void Complete_example_is_valid()
    {
        var result = Parse(CodeBlocks("yaml")[0]);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(["web/prod", "web/staging"], result.Manifests.Select(m => $"{m.Metadata.Name}/{m.Metadata.Environment}"));
    }

    [Fact]
    public void Error_example_prints_the_documented_errors()
    {
        var yaml = CodeBlocks("yaml").Single(b => b.Contains("name: Web", StringComparison.Ordinal));
        var documented = CodeBlocks("").Single(b => b.StartsWith("apps/web.yaml:4:9", StringComparison.Ordinal));

        Assert.Equal(documented.TrimEnd(), string.Join("\n", Parse(yaml).Errors));
    }

    [Fact]
    public void Analysis_example_is_valid_and_its_references_fit_its_template()
    {
        var result = Parse(CodeBlocks("yaml").Single(b => b.Contains("kind: AnalysisTemplate", StringComparison.Ordinal)));

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        var template = Assert.Single(result.Templates);
        Assert.Equal(["errors", "judged", "p99"], template.Metrics.Select(m => m.Name));
        var manifest = Assert.Single(result.Manifests);
        Assert.Empty(AnalysisResolver.Check(manifest, result.Templates.ToDictionary(t => t.Name)));

        var background = ((CanaryStrategy)manifest.Spec.Strategy).Analysis!;
        var resolved = AnalysisResolver.Resolve(background.Analysis, result.Templates.ToDictionary(t => t.Name), new AnalysisBuiltIns("web", "prod", 7, 6));
        Assert.Contains("histogram_quantile(0.95, ", ((PrometheusMetricProvider)resolved.Metrics[2].Provider).Query, StringComparison.Ordinal);
        Assert.Contains("service=\"web\",revision=\"7\"", ((PrometheusMetricProvider)resolved.Metrics[2].Provider).Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Condition_error_example_is_what_the_parser_prints()
    {
        var documented = CodeBlocks("").Single(b => b.Contains("(column 18 of the condition)", StringComparison.Ordinal)).TrimEnd();
        var yaml = """
            apiVersion: slipway.dev/v1alpha1
            kind: AnalysisTemplate
            metadata:
              name: error-rate
            spec:
              metrics:
                - name: errors
                  interval: 1s
                  provider:
                    router:
                      measure: errorRate
                      window: 10s
                  failureLimit: 2
                  successCondition: result <= 0.05 &&
            """;

        Assert.Equal(documented, Assert.Single(Parse(yaml).Errors).ToString());
    }

    [Fact]
    public void Image_policy_examples_are_valid_and_add_up_as_docs_images_md_says()
    {
        var reference = Parse(CodeBlocks("yaml").Single(b => b.Contains("kind: ImagePolicy", StringComparison.Ordinal)));
        var example = Parse(CodeBlocks("yaml", "images.md").Single(b => b.Contains("kind: ImagePolicy", StringComparison.Ordinal)));
        var documented = CodeBlocks("", "images.md").Single(b => b.Contains("$ slipway policies -e prod", StringComparison.Ordinal));

        Assert.True(reference.IsValid, string.Join(Environment.NewLine, reference.Errors));
        Assert.Equal("prod-images", Assert.Single(reference.Policies).Name);
        Assert.True(example.IsValid, string.Join(Environment.NewLine, example.Errors));
        var prod = Core.Images.EffectiveImagePolicy.Of("prod", example.Policies);
        Assert.Contains("\n" + prod.Describe() + "\n", documented, StringComparison.Ordinal);
        Assert.True(Core.Images.EffectiveImagePolicy.Of("dev", example.Policies).RequiresNothing);
    }

    private static List<string> CodeBlocks(string language, string document = "spec.md")
    {
        var markdown = File.ReadAllText(FindDoc(document)).ReplaceLineEndings("\n");
        return [.. CodeBlock().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value)];
    }

    private static string FindDoc(string document)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", document);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"docs/{document} not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^```([a-z]*)\\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
