using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>apply -f FILE|DIR|- …</c>: specs submitted as one unit; a changed template becomes a new revision. With
/// <c>--dry-run</c>, the server's dry run: what applying would do, nothing changed.
/// </summary>
internal static class ApplyCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = SpecFile.FileOption();
        var recursive = SpecFile.RecursiveOption();
        var dryRun = new Option<string>("--dry-run")
        {
            Description = "Check everything and say what applying would do, changing nothing (the server's dry run; --dry-run=server is the same)",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "server",
        };
        dryRun.Validators.Add(option =>
        {
            if (option.Tokens.Count > 0 && option.Tokens[0].Value != "server")
            {
                option.AddError($"--dry-run={option.Tokens[0].Value} is not supported: slipway's dry run is the server's (--dry-run or --dry-run=server); `slipway validate` checks files without changing anything");
            }
        });

        var overrideBudget = CommandParts.OverrideErrorBudgetOption();
        var command = new Command("apply", "Submit spec files as one unit: a changed template becomes a new revision and is rolled out") { file, recursive, dryRun, overrideBudget };
        var force = CommandParts.AddRollbackForce(command);
        CliAction.Set(command, async (result, ct) =>
        {
            var isDryRun = result.GetResult(dryRun) is { Implicit: false };
            var closing = isDryRun ? "nothing was applied (dry run)" : "nothing was applied";
            var input = await SpecFile.ReadAsync(result, file, recursive, globals, ct);
            if (input.Request is null)
            {
                SpecFile.PrintErrors(input.Errors, closing);
                return 1;
            }

            using var client = globals.Client(result);
            var request = input.Request with { Force = force.Of(result), OverrideErrorBudget = CommandParts.OverrideErrorBudget(result, overrideBudget) };
            var response = await client.SendAsync(HttpMethod.Post, isDryRun ? "/api/v1/validate" : "/api/v1/apply", request, ct);
            if (response.Json?["errors"] is JsonArray errors)
            {
                SpecFile.PrintErrors([.. errors.Select(e => e!.Deserialize<SpecError>(SlipwayJson.Options)!)], closing);
                return 1;
            }

            foreach (var applied in response.EnsureOk().Json!["applied"]!.AsArray())
            {
                var a = applied!.Deserialize<AppliedApp>(SlipwayJson.Options)!;
                Console.WriteLine(isDryRun ? WouldDo(a) : Did(a));
            }

            foreach (var name in response.Json!["templates"]?.AsArray() ?? [])
            {
                Console.WriteLine(isDryRun ? $"analysis template {name} would be configured" : $"analysis template {name} configured");
            }

            foreach (var name in response.Json!["policies"]?.AsArray() ?? [])
            {
                Console.WriteLine(isDryRun ? $"image policy {name} would be configured" : $"image policy {name} configured");
            }

            SpecFile.PrintWarnings(response.Json);
            if (isDryRun)
            {
                Console.WriteLine("dry run: nothing was changed");
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    private static string Did(AppliedApp a) =>
        a.Unchanged ? $"{a.App} ({a.Environment}) unchanged at revision {a.Revision}"
        : a.RevisionCreated ? $"{a.App} ({a.Environment}) revision {a.Revision} created; rolling out"
        : a.RolloutStarted ? $"{a.App} ({a.Environment}) rolling out revision {a.Revision} again (the spec has its template)"
        : $"{a.App} ({a.Environment}) configured (revision {a.Revision})";

    private static string WouldDo(AppliedApp a) =>
        $"{a.App} ({a.Environment}): " + (
            a.Unchanged ? $"unchanged at revision {a.Revision}"
            : a.RevisionCreated ? $"revision {a.Revision} would be created and rolled out"
            : a.RolloutStarted ? $"revision {a.Revision} would be rolled out again (the spec has its template)"
            : $"would be updated without a new revision (revision {a.Revision})");
}
