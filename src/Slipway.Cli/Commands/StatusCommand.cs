using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Cli.Watch;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>status APP</c>: the live rollout of one app.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var window = new Option<string?>("--window") { Description = "How far back each revision's health (requests, errors, latency) looks: 1s to 5m, default 60s" };
        var watch = Watches.Option("the rollout");
        var command = new Command("status", "Show the live rollout: phase, step, weights, ready instances and health per revision, conditions") { app, output, window, watch };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var path = CommandParts.AppPath(result, globals, app) + (result.GetValue(window) is { } w ? "?window=" + Uri.EscapeDataString(w) : "");
            if (result.GetValue(watch))
            {
                Watches.RefuseFormat(result.GetResult(output) is { Implicit: false } ? result.GetValue(output) : null);
                return await Watches.StatusAsync(client, path, ct);
            }

            var response = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new StatusOutput(response.Document, response.Read<StatusView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
