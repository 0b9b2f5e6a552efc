using System.CommandLine.Parsing;

namespace Slipway.Cli.Output;

/// <summary>What <c>-o</c> asks for: the text table (<c>wide</c>: with more columns), the API's JSON or the same
/// document in YAML, or one <c>kind/name</c> line per object.</summary>
internal enum OutputFormat
{
    Text,
    Json,
    Yaml,
    Wide,
    Name,
}

/// <summary>The names of <see cref="OutputFormat"/> on the command line.</summary>
internal static class OutputFormats
{
    public static IReadOnlyList<string> Names { get; } = ["text", "json", "yaml", "wide", "name"];

    /// <summary>The format a <c>-o</c> token names; an error naming every format when it names none.</summary>
    public static OutputFormat Parse(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
        var index = Names.ToList().IndexOf(text);
        if (index >= 0)
        {
            return (OutputFormat)index;
        }

        result.AddError($"--output '{text}': expected one of {string.Join(", ", Names)}");
        return OutputFormat.Text;
    }
}
