using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Cli.Watch;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>get apps</c>: the apps of one environment (<c>-e</c>, default dev) or of every one (<c>-A</c>), with their phase and revisions.</summary>
internal static class GetCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var what = new Argument<string>("what") { Description = "What to list: apps" };
        var output = CommandParts.OutputOption();
        var all = new Option<bool>("--all-environments", "-A") { Description = "List the apps of every environment, with an ENV column" };
        var watch = Watches.Option("the apps");
        var command = new Command("get", "List the apps of an environment with their phase, revisions and age") { what, output, all, watch };
        command.Validators.Add(result =>
        {
            if (result.GetValue(all) && result.GetResult(globals.Environment) is { Implicit: false })
            {
                result.AddError("--all-environments (-A) lists every environment; it does not go with --env (-e)");
            }
        });
        CliAction.Set(command, async (result, ct) =>
        {
            if (result.GetValue(what) is not ("apps" or "app"))
            {
                throw new CliException($"unknown resource '{result.GetValue(what)}': expected apps", 1);
            }

            var environment = result.GetValue(all) ? null : result.GetValue(globals.Environment)!;
            using var client = globals.Client(result);
            var path = environment is null ? "/api/v1/apps" : $"/api/v1/apps?environment={Uri.EscapeDataString(environment)}";
            if (result.GetValue(watch))
            {
                Watches.RefuseFormat(result.GetResult(output) is { Implicit: false } ? result.GetValue(output) : null);
                return await Watches.AppsAsync(client, path, environment, ct);
            }

            var response = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk();
            var apps = AppsOutput.Create(response.Document, response.Read<List<AppSummary>>(), environment, TimeProvider.System.GetUtcNow());
            Printer.Print(result.GetValue(output), apps, Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
