using System.CommandLine;
using Slipway.Core.Spec.Parsing;

namespace Slipway.Cli;

/// <summary>
/// Finding one's way in the command tree: a command's full name (<c>slipway rollout promote</c>), a subcommand
/// by what the user typed, and the one a mistyped word was probably meant to be.
/// </summary>
internal static class CommandTree
{
    /// <summary>The words after <c>slipway</c> that lead to <paramref name="command"/>: <c>rollout promote</c>; empty for the root.</summary>
    public static string Path(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command is RootCommand ? ""
            : command.Parents.OfType<Command>().FirstOrDefault() is { } parent and not RootCommand ? $"{Path(parent)} {command.Name}"
            : command.Name;
    }

    /// <summary><c>slipway rollout</c>: how the command is typed, for messages.</summary>
    public static string Display(Command command)
    {
        var path = Path(command);
        return path.Length == 0 ? "slipway" : $"slipway {path}";
    }

    /// <summary>The subcommand of <paramref name="command"/> named or aliased <paramref name="word"/>, if any; hidden ones too.</summary>
    public static Command? Find(Command command, string word)
    {
        ArgumentNullException.ThrowIfNull(command);
        return command.Subcommands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
    }

    /// <summary>The visible subcommand <paramref name="word"/> was probably meant to be: the only one it begins, or one a typo away.</summary>
    public static string? Suggest(Command command, string word)
    {
        ArgumentNullException.ThrowIfNull(command);
        var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        return Closest(word, names);
    }

    /// <summary>The option of <paramref name="command"/> (its own, or one recursive from above) <paramref name="word"/> was probably meant to be.</summary>
    public static string? SuggestOption(Command command, string word)
    {
        ArgumentNullException.ThrowIfNull(command);
        var options = command.Options
            .Concat(command.Parents.OfType<Command>().SelectMany(Ancestors).SelectMany(c => c.Options).Where(o => o.Recursive))
            .Where(o => !o.Hidden)
            .SelectMany(o => o.Aliases.Prepend(o.Name))
            .Where(name => name.StartsWith("--", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        return Closest(word, options);
    }

    /// <summary>A unique prefix (<c>roll</c> → <c>rollout</c>), else the closest name a typo away (<c>stauts</c> → <c>status</c>).</summary>
    public static string? Closest(string word, IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(names);
        var prefixed = names.Where(n => word.TrimStart('-').Length >= 2 && n.StartsWith(word, StringComparison.OrdinalIgnoreCase)).ToList();
        return prefixed.Count == 1 ? prefixed[0] : FieldSuggestion.Closest(word, names);
    }

    private static IEnumerable<Command> Ancestors(Command command) =>
        command.Parents.OfType<Command>().SelectMany(Ancestors).Prepend(command);
}
