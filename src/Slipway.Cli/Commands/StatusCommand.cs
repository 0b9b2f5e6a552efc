using System.CommandLine;
using System.Text.Json;
using Slipway.Cli.Watch;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>status APP</c>: the live rollout of one app.</summary>
internal static class StatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var watch = Watches.Option("the rollout");
        var command = new Command("status", "Show the live rollout: phase, step, weights, ready instances per revision, conditions") { app, output, watch };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            if (result.GetValue(watch))
            {
                Watches.RefuseFormat(result.GetResult(output) is { Implicit: false } ? result.GetValue(output) : null);
                return await Watches.StatusAsync(client, CommandParts.AppPath(result, globals, app), ct);
            }

            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app), null, ct)).EnsureOk();
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(response.Json, SlipwayJson.Indented));
                return 0;
            }

            Console.Write(StatusText.Describe(response.Read<StatusView>()));
            return 0;
        });
        return globals.UsesApi(command);
    }
}
