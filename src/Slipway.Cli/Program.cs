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
root.Subcommands.Add(ConfigCommand.Create(globals));
root.Subcommands.Add(GetCommand.Create(globals));
root.Subcommands.Add(StatusCommand.Create(globals));
root.Subcommands.Add(HistoryCommand.Create(globals));
root.Subcommands.Add(AnalysisCommand.Create(globals));
root.Subcommands.Add(HooksCommand.Create(globals));
root.Subcommands.Add(SloCommand.Create(globals));
root.Subcommands.Add(LogsCommand.Create(globals));
root.Subcommands.Add(DeleteCommand.Create(globals));
root.Subcommands.Add(SecretCommand.Create(globals));
root.Subcommands.Add(PoliciesCommand.Create(globals));
root.Subcommands.Add(RegistryCommand.Create(globals));
root.Subcommands.Add(KeysCommand.Create(globals));
root.Subcommands.Add(ImagesCommand.Create(globals));
root.Subcommands.Add(ImageCommand.Create(globals));
root.Subcommands.Add(BuildCommand.Create(globals, signals.Hurry));
root.Subcommands.Add(RolloutCommand.Create(globals));
root.Subcommands.Add(DemoCommand.Create(signals.Hurry));
root.Subcommands.Add(VersionCommand.Create(globals));
root.Subcommands.Add(CompletionCommand.Create());
root.Subcommands.Add(HelpCommand.Create());
globals.RefuseWhereUnused(root);
DynamicCompletions.AddTo(root, globals);

if (args.Length == 0)
{
    return await root.Parse(["--help"]).InvokeAsync();
}

// A command line that does not parse is a usage error (exit code 2): a mistyped command or option gets a
// did-you-mean, other problems are listed one a line.
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var line in UsageErrors.Describe(parsed))
    {
        await Console.Error.WriteLineAsync(line);
    }

    return UsageErrors.ExitCode;
}

return await parsed.InvokeAsync(cancellationToken: signals.Stopping);
