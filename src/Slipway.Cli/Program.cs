using System.CommandLine;
using Slipway.Cli;
using Slipway.Cli.Commands;

var root = new RootCommand("Slipway: from a commit to a production canary. Runs services on this machine behind its own router and replaces them by rolling, blue-green or canary rollouts.");
var globals = new GlobalOptions();
root.Options.Add(globals.Server);
root.Options.Add(globals.Environment);

root.Subcommands.Add(ServerCommands.Server());
root.Subcommands.Add(ServerCommands.Router());
root.Subcommands.Add(ServerCommands.Down());
root.Subcommands.Add(SpecCommands.Validate(globals));
root.Subcommands.Add(SpecCommands.Apply(globals));
root.Subcommands.Add(AppCommands.Get(globals));
root.Subcommands.Add(AppCommands.Status(globals));
root.Subcommands.Add(AppCommands.History(globals));
root.Subcommands.Add(AppCommands.Logs(globals));
root.Subcommands.Add(AppCommands.Delete(globals));
root.Subcommands.Add(RolloutCommandsCli.Rollout(globals));
root.Subcommands.Add(DemoCommand.Create());

return await root.Parse(args).InvokeAsync();
