using System.CommandLine;
using Slipway.Cli.Output;

namespace Slipway.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class CommandParts
{
    public static Argument<string> AppArgument() => new("app") { Description = "The app's name" };

    public static string AppPath(ParseResult result, GlobalOptions globals, Argument<string> app) =>
        $"/api/v1/apps/{Uri.EscapeDataString(result.GetValue(app)!)}/{Uri.EscapeDataString(result.GetValue(globals.Environment)!)}";

    /// <summary><c>-o text|json|yaml|wide|name</c>: the one definition of the output option (see <see cref="Printer"/>).</summary>
    public static Option<OutputFormat> OutputOption()
    {
        var option = new Option<OutputFormat>("--output", "-o")
        {
            Description = "Output format: text, json, yaml, wide (text with more detail) or name",
            DefaultValueFactory = _ => OutputFormat.Text,
            CustomParser = OutputFormats.Parse,
        };
        // Not the enum's own completions (Json, Text …): the names as typed.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(OutputFormats.Names.ToArray());
        return option;
    }

    /// <summary>
    /// Who runs the command, as recorded with an override or a forced rollback: <c>$SLIPWAY_ACTOR</c>, else
    /// <c>user@host</c>. Self-reported (the API has one token, not users), like a git commit's author.
    /// </summary>
    public static string Actor()
    {
        var configured = Environment.GetEnvironmentVariable("SLIPWAY_ACTOR")?.Trim();
        return string.IsNullOrEmpty(configured) ? $"{Environment.UserName}@{Environment.MachineName}" : configured;
    }

    /// <summary>Stops with every error, one a line, when there is any.</summary>
    public static void RefuseInvalid(IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new CliException(string.Join(Environment.NewLine + "error: ", list), 2);
        }
    }
}
