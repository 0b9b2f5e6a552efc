using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>diff -f FILE|DIR|- …</c>: what <c>apply</c> would change, before applying — per app×env, new, unchanged, or a
/// unified diff of the spec the server holds against the files' (compared by the server: <c>POST /api/v1/diff</c>),
/// secrets hidden. Exit codes as kubectl diff's: 0 no differences, 1 differences, 2 an error.
/// </summary>
internal static class DiffCommand
{
    public const int NoDifferences = 0;
    public const int Differences = 1;
    public const int Failed = 2;

    public static Command Create(GlobalOptions globals)
    {
        var file = SpecFile.FileOption();
        var recursive = SpecFile.RecursiveOption();
        var command = new Command("diff", "Show what apply would change, per app and environment, against what the server holds (secret values hidden); exit 0: no differences, 1: differences, 2: an error") { file, recursive };
        CliAction.Set(
            command,
            async (result, ct) =>
            {
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

                return diffs.Any(d => d.Outcome != AppDiffOutcome.Unchanged) ? Differences : NoDifferences;
            },
            failureExitCode: Failed);
        return globals.UsesApi(command);
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
