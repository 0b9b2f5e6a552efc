using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary><c>validate</c> and <c>apply</c>: spec files in.</summary>
internal static class SpecCommands
{
    public static Command Validate()
    {
        var file = FileOption();
        var command = new Command("validate", "Check a spec file without submitting it: every error, with file, line and field") { file };
        CliAction.Set(command, (result, _) =>
        {
            var path = result.GetValue(file)!;
            var parsed = SpecParser.Parse(ReadSpec(path), path, BaseDirectory(path));
            var errors = parsed.Errors.ToList();
            foreach (var manifest in parsed.Manifests.Where(m => !Directory.Exists(m.Spec.Template.Artifact.Path)))
            {
                errors.Add(new SpecError(path, 1, 1, "spec.artifact.path", $"directory '{manifest.Spec.Template.Artifact.Path}' does not exist ({manifest.Metadata.Name}/{manifest.Metadata.Environment})"));
            }

            if (errors.Count > 0)
            {
                PrintErrors(errors.Select(e => e.ToString()));
                return Task.FromResult(1);
            }

            foreach (var m in parsed.Manifests)
            {
                Console.WriteLine($"{path}: {m.Metadata.Name} ({m.Metadata.Environment}) is valid");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Apply(GlobalOptions globals)
    {
        var file = FileOption();
        var command = new Command("apply", "Submit a spec file: a changed template becomes a new revision and is rolled out") { file };
        CliAction.Set(command, async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            using var client = globals.Client(result);
            var response = await client.SendAsync(HttpMethod.Post, "/api/v1/apply", new ApplyRequest(path, ReadSpec(path), BaseDirectory(path)), ct);
            if (response.Json?["errors"] is JsonArray errors)
            {
                PrintErrors(errors.Select(e => e!.Deserialize<SpecError>(Core.Serialization.SlipwayJson.Options)!.ToString()));
                return 1;
            }

            foreach (var applied in response.EnsureOk().Json!["applied"]!.AsArray())
            {
                var a = applied!.Deserialize<AppliedApp>(Core.Serialization.SlipwayJson.Options)!;
                Console.WriteLine(a.Unchanged
                    ? $"{a.App} ({a.Environment}) unchanged at revision {a.Revision}"
                    : a.RevisionCreated ? $"{a.App} ({a.Environment}) revision {a.Revision} created; rolling out"
                    : $"{a.App} ({a.Environment}) configured (revision {a.Revision})");
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Option<string> FileOption() => new("--file", "-f") { Description = "Spec file (YAML)", Required = true };

    private static string ReadSpec(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot read: {e.Message}", 1);
        }
    }

    private static string BaseDirectory(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    private static void PrintErrors(IEnumerable<string> errors)
    {
        var list = errors.ToList();
        foreach (var e in list)
        {
            Console.Error.WriteLine(e);
        }

        Console.Error.WriteLine($"{list.Count} error(s); nothing was applied");
    }
}
