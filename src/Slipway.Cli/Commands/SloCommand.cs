using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>slo APP</c>: the app's SLOs now — target, budget left, burn rates — and whether they block rollouts.</summary>
internal static class SloCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("slo", "Show an app's SLOs: target, error budget left, burn rates, and whether they block new rollouts") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app) + "/slo", null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new SloOutput(response.Document, response.Read<SloView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
