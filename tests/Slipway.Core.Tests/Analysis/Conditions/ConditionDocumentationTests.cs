using System.Text.Json;
using System.Text.RegularExpressions;
using Slipway.Core.Analysis;
using Slipway.Core.Analysis.Conditions;

namespace Slipway.Core.Tests.Analysis.Conditions;

/// <summary>Keeps docs/conditions.md honest: its examples parse, and its error tables are what users get.</summary>
public sealed partial class ConditionDocumentationTests
{
    private static readonly string Markdown = File.ReadAllText(FindDoc()).ReplaceLineEndings("\n");

    [Fact]
    public void Every_example_condition_parses()
    {
        var conditions = CodeBlock().Matches(Markdown)
            .Where(m => m.Groups[1].Value == "yaml")
            .SelectMany(m => ConditionLine().Matches(m.Groups[2].Value).Select(line => (Block: m.Groups[2].Value, Text: line.Groups[1].Value)))
            .ToList();
        Assert.True(conditions.Count >= 10, $"found {conditions.Count} example conditions");
        foreach (var (block, written) in conditions)
        {
            var text = written.StartsWith('\'') ? written[1..^1] : written;
            var condition = Condition.Parse(text, baseline: block.Contains("canary", StringComparison.Ordinal), out var errors);
            Assert.True(condition is not null, $"{text}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void The_apply_time_errors_are_the_documented_ones()
    {
        var rows = Rows("### When the spec is applied").Where(row => !row[0].Contains('…')).ToList();
        Assert.True(rows.Count >= 15, $"found {rows.Count} rows");
        foreach (var row in rows)
        {
            Condition.Parse(Code(row[0]), baseline: false, out var errors);
            Assert.Contains(new ConditionError(int.Parse(row[1]), row[2]), errors);
        }
    }

    [Fact]
    public void The_evaluation_errors_are_the_documented_ones()
    {
        var rows = Rows("### When a measurement is evaluated");
        Assert.True(rows.Count >= 8, $"found {rows.Count} rows");
        foreach (var row in rows)
        {
            var condition = Condition.Parse(Code(row[0]), baseline: true, out var errors)!;
            Assert.Empty(errors);
            var scope = row[1].StartsWith('`')
                ? new ConditionScope(AnalysisValue.FromJson(JsonDocument.Parse(Code(row[1])).RootElement))
                : new ConditionScope(AnalysisValue.Of(0));
            Assert.Equal(row[2], condition.Evaluate(scope).Error);
        }
    }

    /// <summary>The cells of the table under <paramref name="heading"/>, without its header rows.</summary>
    private static List<string[]> Rows(string heading)
    {
        var section = Markdown[(Markdown.IndexOf(heading, StringComparison.Ordinal) + heading.Length)..];
        var end = section.IndexOf("\n#", StringComparison.Ordinal);
        return [.. (end < 0 ? section : section[..end]).Split('\n')
            .Where(line => line.StartsWith('|'))
            .Skip(2)
            .Select(line => line.Trim('|').Split(" | ").Select(cell => cell.Trim()).ToArray())];
    }

    private static string Code(string cell) => cell[(cell.IndexOf('`') + 1)..cell.LastIndexOf('`')];

    private static string FindDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "conditions.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/conditions.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^```([a-z]*)\\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"(?:success|failure)Condition: (.+?)(?:\s{2,}#.*)?$", RegexOptions.Multiline)]
    private static partial Regex ConditionLine();
}
