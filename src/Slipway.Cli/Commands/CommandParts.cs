using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary>Arguments and options several commands share.</summary>
internal static class CommandParts
{
    public static Argument<string> AppArgument() => new("app") { Description = "The app's name" };

    public static string AppPath(ParseResult result, GlobalOptions globals, Argument<string> app) =>
        $"/api/v1/apps/{Uri.EscapeDataString(result.GetValue(app)!)}/{Uri.EscapeDataString(result.GetValue(globals.Environment)!)}";

    public static Option<string> OutputOption()
    {
        var option = new Option<string>("--output", "-o") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
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
