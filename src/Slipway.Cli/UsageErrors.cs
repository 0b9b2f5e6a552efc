using System.CommandLine;

namespace Slipway.Cli;

/// <summary>
/// What a command line that does not parse prints (exit code 2). A mistyped command or option gets a short
/// did-you-mean, as git and kubectl do, instead of the parser's list of every token it could not place:
/// <code>
/// error: unknown command 'stauts'
/// did you mean 'status'?
/// see 'slipway --help'
/// </code>
/// Other problems are listed one a line, followed by where to read the command's usage.
/// </summary>
internal static class UsageErrors
{
    public const int ExitCode = 2;

    /// <summary>The lines to print on stderr for <paramref name="parsed"/>, which has errors.</summary>
    public static IReadOnlyList<string> Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var command = parsed.CommandResult.Command;
        var unmatched = parsed.UnmatchedTokens;
        if (unmatched.Count > 0 && unmatched[0] is var word && !word.StartsWith('-') && command.Subcommands.Count > 0 && command.Arguments.Count == 0)
        {
            return UnknownCommand(command, word);
        }

        if (unmatched.FirstOrDefault(t => t.StartsWith('-') && t.Length > 1) is { } option)
        {
            var lines = new List<string> { $"error: unknown option '{option}'{For(command)}" };
            if (CommandTree.SuggestOption(command, option) is { } suggestion)
            {
                lines.Add($"did you mean '{suggestion}'?");
            }

            lines.Add(SeeHelp(command));
            return lines;
        }

        if (unmatched.Count == 0 && command.Subcommands.Count > 0 && command.Action is null)
        {
            var names = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            return [$"error: '{CommandTree.Display(command)}' needs a command: {names}", SeeHelp(command)];
        }

        return [.. parsed.Errors.Select(e => $"error: {e.Message}"), SeeHelp(command)];
    }

    /// <summary><paramref name="word"/> names no subcommand of <paramref name="parent"/>: the error, a did-you-mean when one is close, and where to look.</summary>
    public static IReadOnlyList<string> UnknownCommand(Command parent, string word)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var lines = new List<string> { $"error: unknown command '{word}'{For(parent)}" };
        if (CommandTree.Suggest(parent, word) is { } suggestion)
        {
            lines.Add($"did you mean '{suggestion}'?");
        }

        lines.Add(SeeHelp(parent));
        return lines;
    }

    public static string SeeHelp(Command command) => $"see '{CommandTree.Display(command)} --help'";

    private static string For(Command command) => command is RootCommand ? "" : $" for '{CommandTree.Display(command)}'";
}
