using System.CommandLine;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>analysis APP</c>: the app's analysis runs, their metrics and latest measurements.</summary>
internal static class AnalysisCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var runs = IntegerOption.Create("--runs", "How many runs to show, newest first", 10, 1, 50);
        var measurements = IntegerOption.Create("--measurements", "How many measurements to show per metric, the latest", 10, 0, 1000);
        var command = new Command("analysis", "Show the analysis runs of an app (the rollout's own first): metrics, measurements, the built-in health check") { app, output, runs, measurements };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var query = string.Create(CultureInfo.InvariantCulture, $"/analysis?runs={result.GetValue(runs)}&measurements={result.GetValue(measurements)}");
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app) + query, null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new AnalysisOutput(response.Document, response.Read<AnalysisView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
