using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Slipway.Cli;

/// <summary>
/// Whole-number options with a range, whose errors say what was expected in words ("--port 'abc': expected a
/// whole number from 1 to 65535") rather than in .NET type names.
/// </summary>
internal static class IntegerOption
{
    public static Option<int> Create(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, name, min, max) ?? defaultValue,
    };

    public static Option<int?> CreateOptional(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, min, max),
    };

    private static int? Parse(ArgumentResult result, string name, int min, int max)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{name} '{text}': expected a whole number from {min} to {max}");
        return null;
    }
}
