using System.CommandLine;
using System.Globalization;
using Slipway.Cli.Watch;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>get apps</c>: every app with its phase and revisions.</summary>
internal static class GetCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var what = new Argument<string>("what") { Description = "What to list: apps" };
        var output = CommandParts.OutputOption();
        var watch = Watches.Option("the apps");
        var command = new Command("get", "List apps with their phase and revisions") { what, output, watch };
        CliAction.Set(command, async (result, ct) =>
        {
            if (result.GetValue(what) is not ("apps" or "app"))
            {
                throw new CliException($"unknown resource '{result.GetValue(what)}': expected apps", 1);
            }

            using var client = globals.Client(result);
            if (result.GetValue(watch))
            {
                Watches.RefuseFormat(result.GetResult(output) is { Implicit: false } ? result.GetValue(output) : null);
                return await Watches.AppsAsync(client, ct);
            }

            var response = (await client.SendAsync(HttpMethod.Get, "/api/v1/apps", null, ct)).EnsureOk();
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(response.Text);
                return 0;
            }

            var apps = response.Read<List<AppSummary>>();
            Console.WriteLine($"{"APP",-20} {"ENV",-10} {"PHASE",-12} {"STABLE",-7} {"CANARY",-7} {"READY",-7} URL");
            foreach (var a in apps)
            {
                Console.WriteLine($"{a.App,-20} {a.Environment,-10} {a.Phase,-12} {Rev(a.StableRevision),-7} {Rev(a.CanaryRevision),-7} {$"{a.Ready}/{a.Replicas}",-7} {a.Url}");
            }

            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data); // lists every environment
    }

    private static string Rev(int? revision) => revision?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
