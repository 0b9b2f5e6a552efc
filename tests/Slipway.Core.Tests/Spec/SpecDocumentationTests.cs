using System.Text.RegularExpressions;
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

    private static List<string> CodeBlocks(string language)
    {
        var markdown = File.ReadAllText(FindSpecDoc()).ReplaceLineEndings("\n");
        return [.. CodeBlock().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value)];
    }

    private static string FindSpecDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "spec.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/spec.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^```([a-z]*)\\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
