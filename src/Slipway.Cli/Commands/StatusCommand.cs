using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>status APP</c>: the live rollout of one app.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("status", "Show the live rollout: phase, step, weights, ready instances per revision, conditions") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app), null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new StatusOutput(response.Document, response.Read<StatusView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
