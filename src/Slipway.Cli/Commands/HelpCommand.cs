using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>help [COMMAND [SUBCOMMAND]]</c>: the same page as <c>slipway COMMAND [SUBCOMMAND] --help</c>, as git, kubectl
/// and argocd users type it; an unknown command is a usage error with a did-you-mean.
/// </summary>
internal static class HelpCommand
{
    public static Command Create()
    {
        var words = new Argument<string[]>("command")
        {
            Description = "The command (and subcommand) to describe",
            Arity = ArgumentArity.ZeroOrMore,
        };
        words.CompletionSources.Add(context =>
        {
            if (context is not System.CommandLine.Completions.TextCompletionContext)
            {
                return []; // the help page asks too, for its usage line: `<command>`, not a list of every command
            }

            // The subcommands of what the words typed so far name (the word being completed is filtered by the shell).
            var command = context.ParseResult.RootCommandResult.Command;
            foreach (var word in context.ParseResult.GetValue(words) ?? [])
            {
                if (word == context.WordToComplete || CommandTree.Find(command, word) is not { } next)
                {
                    break;
                }

                command = next;
            }

            return command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        });
        var command = new Command("help", "Show the help of a command: `slipway help rollout promote` is `slipway rollout promote --help`") { words };
        command.SetAction(async (result, ct) =>
        {
            var root = result.RootCommandResult.Command;
            var target = root;
            foreach (var word in result.GetValue(words) ?? [])
            {
                if (CommandTree.Find(target, word) is not { } next)
                {
                    foreach (var line in UsageErrors.UnknownCommand(target, word))
                    {
                        await Console.Error.WriteLineAsync(line);
                    }

                    return UsageErrors.ExitCode;
                }

                target = next;
            }

            var path = CommandTree.Path(target);
            string[] args = path.Length == 0 ? ["--help"] : [.. path.Split(' '), "--help"];
            return await root.Parse(args).InvokeAsync(cancellationToken: ct);
        });
        return command;
    }
}
