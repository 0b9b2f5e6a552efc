using System.Globalization;
using System.Text.RegularExpressions;

namespace Slipway.Server.Tests.Support;

/// <summary>One sample of a Prometheus text exposition: <c>name{label="value",…} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public bool Has(string label, string value) => Labels.TryGetValue(label, out var actual) && actual == value;
}

/// <summary>
/// A strict reader of the Prometheus text format (version 0.0.4), as a scraper reads it: every line is empty, a comment
/// (<c># HELP</c>, <c># TYPE</c> or another <c>#</c> line) or a sample; anything else fails the test with the line.
/// </summary>
internal static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var type = TypeLine().Match(line);
                Assert.True(type.Success, $"line {number} is not a valid TYPE line: {line}");
                Assert.True(types.TryAdd(type.Groups["name"].Value, type.Groups["type"].Value), $"line {number}: a second TYPE for {type.Groups["name"].Value}");
                continue;
            }

            if (line.StartsWith('#'))
            {
                Assert.True(!line.StartsWith("# HELP ", StringComparison.Ordinal) || HelpLine().IsMatch(line), $"line {number} is not a valid HELP line: {line}");
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"line {number} is neither a comment nor 'name{{labels}} value': {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (sample.Groups["labels"].Success && sample.Groups["labels"].Value.Length > 0)
            {
                var matches = Label().Matches(sample.Groups["labels"].Value);
                foreach (Match label in matches)
                {
                    Assert.True(labels.TryAdd(label.Groups["name"].Value, Unescape(label.Groups["value"].Value)), $"line {number}: label {label.Groups["name"].Value} twice");
                }
            }

            samples.Add(new PrometheusSample(sample.Groups["name"].Value, labels, ParseValue(sample.Groups["value"].Value, number)));
        }

        foreach (var sample in samples)
        {
            Assert.True(types.ContainsKey(sample.Name) || types.ContainsKey(Family(sample.Name)), $"{sample.Name} has no TYPE line");
        }

        return samples;
    }

    /// <summary>The metric family of a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series.</summary>
    private static string Family(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static double ParseValue(string text, int line) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw new Xunit.Sdk.XunitException($"line {line}: '{text}' is not a sample value"),
    };

    private static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\]|\\.)*"",?)*)\})? (?<value>\S+)( -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
