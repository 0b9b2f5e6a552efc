using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>history APP</c>: revisions and what happened to each.</summary>
internal static class HistoryCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("history", "List revisions (the stable one and the one rolling out marked) and the events of each") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app) + "/history", null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new HistoryOutput(response.Document, response.Read<HistoryView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
