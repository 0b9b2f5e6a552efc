using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>diff -f FILE|DIR|- …</c>: what <c>apply</c> would change, before applying — per app×env, new, unchanged, or a
/// unified diff of the spec the server holds against the files' (compared by the server: <c>POST /api/v1/diff</c>),
/// secrets hidden. <c>diff APP --from dev --to prod</c>: how two environments' effective configuration differs
/// (<c>GET /api/v1/apps/{app}/config-diff</c>), missing names first, no secret value. One form or the other.
/// Exit codes as kubectl diff's: 0 no differences, 1 differences, 2 an error.
/// </summary>
internal static class DiffCommand
{
    public const int NoDifferences = 0;
    public const int Differences = 1;
    public const int Failed = 2;

    public static Command Create(GlobalOptions globals)
    {
        var file = SpecFile.FileOption();
        file.Required = false; // -f FILE, or APP --from --to: checked below
        var recursive = SpecFile.RecursiveOption();
        var app = new Argument<string?>("app") { Description = "With --from and --to: the app whose environments to compare", Arity = ArgumentArity.ZeroOrOne };
        var from = new Option<string>("--from") { Description = "With APP: the environment to compare from (e.g. dev)", HelpName = "env" };
        var to = new Option<string>("--to") { Description = "With APP: the environment to compare to (e.g. prod)", HelpName = "env" };
        var command = new Command("diff", "Show what apply would change, per app and environment, against what the server holds (-f FILE); or how two environments' config of an app differs (APP --from ENV --to ENV); secret values hidden; exit 0: no differences, 1: differences, 2: an error")
        {
            app, file, recursive, from, to,
        };
        command.Validators.Add(result => CheckForm(result, globals, app, file, recursive, from, to));
        CliAction.Set(
            command,
            async (result, ct) =>
            {
                if (result.GetValue(app) is { } name)
                {
                    return await CompareEnvironmentsAsync(globals, result, name, result.GetValue(from)!, result.GetValue(to)!, ct);
                }

                var input = await SpecFile.ReadAsync(result, file, recursive, globals, ct);
                if (input.Request is null)
                {
                    SpecFile.PrintErrors(input.Errors, "nothing was compared");
                    return Failed;
                }

                using var client = globals.Client(result);
                var response = await client.SendAsync(HttpMethod.Post, "/api/v1/diff", input.Request, ct);
                if (response.Json?["errors"] is JsonArray errors)
                {
                    SpecFile.PrintErrors([.. errors.Select(e => e!.Deserialize<SpecError>(SlipwayJson.Options)!)], "nothing was compared");
                    return Failed;
                }

                var diffs = response.EnsureOk().Json!["diffs"].Deserialize<List<AppDiff>>(SlipwayJson.Options)
                    ?? throw new CliException("the server sent no diffs", Failed);
                var colour = Colour.ForStandardOutput();
                foreach (var diff in diffs)
                {
                    Console.WriteLine(colour.Bold($"{diff.App} ({diff.Environment}): {Summary(diff)}"));
                    foreach (var line in diff.Diff.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        Console.WriteLine(colour.DiffLine(line));
                    }
                }

                SpecFile.PrintWarnings(response.Json);
                return diffs.Any(d => d.Outcome != AppDiffOutcome.Unchanged) ? Differences : NoDifferences;
            },
            failureExitCode: Failed);
        return globals.UsesApi(command);
    }

    /// <summary>The two forms are exclusive, and each is whole: <c>-f …</c>, or <c>APP --from ENV --to ENV</c>.</summary>
    private static void CheckForm(System.CommandLine.Parsing.CommandResult result, GlobalOptions globals, Argument<string?> app, Option<string[]> file, Option<bool> recursive, Option<string> from, Option<string> to)
    {
        var hasApp = result.GetValue(app) is not null;
        var hasFile = result.GetResult(file) is { Implicit: false };
        var hasFrom = result.GetResult(from) is { Implicit: false };
        var hasTo = result.GetResult(to) is { Implicit: false };
        if (hasFile && (hasApp || hasFrom || hasTo))
        {
            result.AddError("-f compares files with what the server holds; APP --from ENV --to ENV compares two environments of an app: give one form, not both");
        }
        else if (!hasFile && !hasApp && !hasFrom && !hasTo)
        {
            result.AddError("give -f FILE (what apply would change) or APP --from ENV --to ENV (how two environments' config differs)");
        }
        else if (!hasFile && !hasApp)
        {
            result.AddError("--from and --to compare an app's environments: give the app, as in slipway diff web --from dev --to prod");
        }
        else if (hasApp && !(hasFrom && hasTo))
        {
            result.AddError($"slipway diff {result.GetValue(app)} compares two environments: it needs --from ENV and --to ENV (or, to compare files with the server, -f FILE without an app)");
        }
        else if (hasApp && result.GetValue(from) == result.GetValue(to))
        {
            result.AddError($"--from and --to are both '{result.GetValue(from)}': compare two different environments");
        }
        else if (hasApp && result.GetResult(globals.Environment) is { Implicit: false })
        {
            result.AddError("-e does not apply to diff APP --from ENV --to ENV: the environments are --from and --to");
        }
        else if (hasApp && result.GetResult(recursive) is { Implicit: false })
        {
            result.AddError("-R applies to -f DIR, not to diff APP --from ENV --to ENV");
        }
    }

    private static async Task<int> CompareEnvironmentsAsync(GlobalOptions globals, ParseResult result, string app, string from, string to, CancellationToken ct)
    {
        using var client = globals.Client(result);
        var path = $"/api/v1/apps/{Uri.EscapeDataString(app)}/config-diff?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}";
        var diff = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk().Read<ConfigDiff>();
        Console.Write(ConfigDiffOutput.Text(diff));
        return diff.Equal ? NoDifferences : Differences;
    }

    private static string Summary(AppDiff d) => d.Outcome switch
    {
        AppDiffOutcome.Unchanged => $"unchanged at revision {d.Revision}",
        AppDiffOutcome.New => $"new app; revision {d.Revision} would be created and rolled out",
        _ when d.RevisionCreated => $"the template changed: revision {d.Revision} would be created and rolled out (now at revision {d.CurrentRevision})",
        _ when d.RolloutStarted => $"revision {d.Revision} would be rolled out again, as the spec has its template (now at revision {d.CurrentRevision})",
        _ => $"would be updated without a new revision (revision {d.Revision}): replicas, route, strategy or deadlines changed",
    };

    /// <summary>
    /// ANSI colours for a terminal: none when standard output is redirected (a file, a pipe, CI logs), when
    /// <c>$NO_COLOR</c> is set (no-color.org) or <c>$TERM</c> is <c>dumb</c>.
    /// </summary>
    private sealed record Colour(bool Enabled)
    {
        public static Colour ForStandardOutput() => new(
            !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb");

        public string Bold(string text) => Paint("1", text);

        public string DiffLine(string line) =>
            line.StartsWith("+++", StringComparison.Ordinal) || line.StartsWith("---", StringComparison.Ordinal) ? Bold(line)
            : line.StartsWith("@@", StringComparison.Ordinal) ? Paint("36", line)
            : line.StartsWith('+') ? Paint("32", line)
            : line.StartsWith('-') ? Paint("31", line)
            : line;

        private string Paint(string code, string text) => Enabled ? $"\u001b[{code}m{text}\u001b[0m" : text;
    }
}
