using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary><c>get apps</c>, <c>status</c>, <c>history</c>, <c>logs</c>, <c>delete</c>.</summary>
internal static class AppCommands
{
    public static Command Get(GlobalOptions globals)
    {
        var what = new Argument<string>("what") { Description = "What to list: apps" };
        var output = OutputOption();
        var command = new Command("get", "List apps with their phase and revisions") { what, output };
        CliAction.Set(command, async (result, ct) =>
        {
            if (result.GetValue(what) is not ("apps" or "app"))
            {
                throw new CliException($"unknown resource '{result.GetValue(what)}': expected apps", 1);
            }

            using var client = globals.Client(result);
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

    public static Command Status(GlobalOptions globals)
    {
        var app = AppArgument();
        var output = OutputOption();
        var command = new Command("status", "Show the live rollout: phase, step, weights, ready instances per revision, conditions") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, AppPath(result, globals, app), null, ct)).EnsureOk();
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(response.Json, SlipwayJson.Indented));
                return 0;
            }

            Console.Write(Describe(response.Read<StatusView>()));
            return 0;
        });
        return globals.UsesApi(command);
    }

    public static string Describe(StatusView s)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{s.App} ({s.Environment})  strategy {s.Strategy}  phase {s.Phase}{(s.Reason is null ? "" : $" ({s.Reason})")}");
        if (s.Message is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {s.Message}");
        }

        if (s.TotalSteps > 0 && s.CanaryRevision is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  step      {Math.Min(s.CurrentStepIndex + 1, s.TotalSteps)}/{s.TotalSteps}{(s.CurrentStepIndex >= s.TotalSteps ? " (promoting)" : "")}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  weights   stable {s.Weights.Stable}%  canary {s.Weights.Canary}%{(s.HeaderRoute is null ? "" : $"  header route {s.HeaderRoute.Name}")}{(s.MirrorPercent > 0 ? $"  mirror {s.MirrorPercent}%" : "")}");
        foreach (var r in s.Revisions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  revision {r.Number,-4} {r.Role,-9} ready {r.Ready}/{r.Desired}");
            foreach (var i in r.Instances)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      {i.Id,-36} {i.Endpoint,-16} {i.Phase,-16} restarts {i.Restarts}{(i.LastExit is null ? "" : $"  last exit: {i.LastExit}")}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  url       {s.Url}");
        foreach (var c in s.Conditions)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  condition {c.Type}={c.Status}{(c.Reason is null ? "" : $" ({c.Reason})")}");
        }

        return text.ToString();
    }

    public static Command History(GlobalOptions globals)
    {
        var app = AppArgument();
        var output = OutputOption();
        var command = new Command("history", "List revisions and what happened to each") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, AppPath(result, globals, app) + "/history", null, ct)).EnsureOk();
            if (result.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(response.Json, SlipwayJson.Indented));
                return 0;
            }

            var history = response.Read<HistoryView>();
            foreach (var r in history.Revisions)
            {
                Console.WriteLine($"revision {r.Number}  {r.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {r.ChangeCause}  {r.ArtifactDigest?[..Math.Min(19, r.ArtifactDigest.Length)]}");
                foreach (var e in r.Events)
                {
                    Console.WriteLine($"    {e.Time:HH:mm:ss}  {e.Reason,-26} {e.Message}");
                }
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    public static Command Logs(GlobalOptions globals)
    {
        var app = AppArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines" };
        var revision = IntegerOption.CreateOptional("--revision", "Only this revision", 1, int.MaxValue);
        var tail = IntegerOption.Create("--tail", "Lines of history per instance", 100, 0, int.MaxValue);
        var command = new Command("logs", "Print the stdout and stderr of the app's instances") { app, follow, revision, tail };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var query = $"?tail={result.GetValue(tail)}&follow={(result.GetValue(follow) ? "true" : "false")}"
                + (result.GetValue(revision) is int r ? $"&revision={r}" : "");
            using (var response = await client.StreamAsync(AppPath(result, globals, app) + "/logs" + query, ct))
            {
                await using var stream = await response.Content.ReadAsStreamAsync(ct);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    Console.WriteLine(line);
                }
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    public static Command Delete(GlobalOptions globals)
    {
        var app = AppArgument();
        var command = new Command("delete", "Forget the app in this environment and stop its instances") { app };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Delete, AppPath(result, globals, app), null, ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }

    public static Argument<string> AppArgument() => new("app") { Description = "The app's name" };

    public static string AppPath(ParseResult result, GlobalOptions globals, Argument<string> app) =>
        $"/api/v1/apps/{Uri.EscapeDataString(result.GetValue(app)!)}/{Uri.EscapeDataString(result.GetValue(globals.Environment)!)}";

    private static Option<string> OutputOption()
    {
        var option = new Option<string>("--output", "-o") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    private static string Rev(int? revision) => revision?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
