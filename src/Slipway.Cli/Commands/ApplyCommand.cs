using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary><c>apply -f FILE</c>: a spec submitted; a changed template becomes a new revision.</summary>
internal static class ApplyCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var file = SpecFile.FileOption();
        var command = new Command("apply", "Submit a spec file: a changed template becomes a new revision and is rolled out") { file };
        CliAction.Set(command, async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!SpecFile.TryRead(path, SpecFile.RequestedEnvironment(result, globals), out var request, out var readError))
            {
                SpecFile.PrintErrors([readError], "nothing was applied");
                return 1;
            }

            using var client = globals.Client(result);
            var response = await client.SendAsync(HttpMethod.Post, "/api/v1/apply", request, ct);
            if (response.Json?["errors"] is JsonArray errors)
            {
                SpecFile.PrintErrors([.. errors.Select(e => e!.Deserialize<SpecError>(SlipwayJson.Options)!)], "nothing was applied");
                return 1;
            }

            foreach (var applied in response.EnsureOk().Json!["applied"]!.AsArray())
            {
                var a = applied!.Deserialize<AppliedApp>(SlipwayJson.Options)!;
                Console.WriteLine(a.Unchanged
                    ? $"{a.App} ({a.Environment}) unchanged at revision {a.Revision}"
                    : a.RevisionCreated ? $"{a.App} ({a.Environment}) revision {a.Revision} created; rolling out"
                    : $"{a.App} ({a.Environment}) configured (revision {a.Revision})");
            }

            return 0;
        });
        return globals.UsesApi(command);
    }
}
