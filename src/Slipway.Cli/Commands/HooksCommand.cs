using System.CommandLine;
using System.Globalization;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>hooks APP</c>: the app's hook runs, newest first, with the last lines of their output.</summary>
internal static class HooksCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var runs = IntegerOption.Create("--runs", "How many runs to show, newest first", 20, 1, 100);
        var lines = IntegerOption.Create("--output-lines", "How many lines of each run's output to show, the last ones (-o wide shows all)", 5, 0, 100_000);
        var command = new Command("hooks", "Show the hook runs of an app: each hook, its type, revision, phase, attempts, and the end of its output") { app, output, runs, lines };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var format = result.GetValue(output);

            // The documents (json, yaml) hold each output whole; text shows its end.
            var shown = format is OutputFormat.Text ? $"&lines={result.GetValue(lines).ToString(CultureInfo.InvariantCulture)}" : "";
            var query = string.Create(CultureInfo.InvariantCulture, $"/hooks?runs={result.GetValue(runs)}{shown}");
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app) + query, null, ct)).EnsureOk();
            Printer.Print(format, new HooksOutput(response.Document, response.Read<HooksView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
