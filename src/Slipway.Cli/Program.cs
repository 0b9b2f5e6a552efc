using System.CommandLine;
using Slipway.Cli;
using Slipway.Cli.Commands;

// Before anything else: a Ctrl-C or SIGTERM from here on stops the command and lets it clean up.
using var signals = new ShutdownSignals();
var root = new RootCommand("Slipway: from a commit to a production canary. Runs services on this machine behind its own router and replaces them by rolling, blue-green or canary rollouts.");
var globals = new GlobalOptions();
foreach (var option in globals.All)
{
    root.Options.Add(option);
}

root.Subcommands.Add(ServerCommand.Create(globals));
root.Subcommands.Add(RouterCommand.Create());
root.Subcommands.Add(DownCommand.Create(globals));
root.Subcommands.Add(ValidateCommand.Create(globals));
root.Subcommands.Add(ApplyCommand.Create(globals));
root.Subcommands.Add(DiffCommand.Create(globals));
root.Subcommands.Add(GetCommand.Create(globals));
root.Subcommands.Add(StatusCommand.Create(globals));
root.Subcommands.Add(HistoryCommand.Create(globals));
root.Subcommands.Add(LogsCommand.Create(globals));
root.Subcommands.Add(DeleteCommand.Create(globals));
root.Subcommands.Add(RolloutCommand.Create(globals));
root.Subcommands.Add(DemoCommand.Create(signals.Hurry));
globals.RefuseWhereUnused(root);

if (args.Length == 0)
{
    return await root.Parse(["--help"]).InvokeAsync();
}

// A command line that does not parse is a usage error: every problem on its own line, exit code 2.
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}");
    }

    var command = string.Join(' ', parsed.CommandResult.Command is RootCommand ? [] : CommandNames(parsed.CommandResult.Command));
    await Console.Error.WriteLineAsync($"see `slipway {(command.Length > 0 ? command + " " : "")}--help`");
    return 2;
}

return await parsed.InvokeAsync(cancellationToken: signals.Stopping);

static IEnumerable<string> CommandNames(Command command) =>
    command.Parents.OfType<Command>().FirstOrDefault() is { } parent and not RootCommand
        ? [.. CommandNames(parent), command.Name]
        : [command.Name];
