using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary><c>validate</c> and <c>apply</c>: spec files in.</summary>
internal static class SpecCommands
{
    private const string LocalChecks = "the spec, its artifact directories";
    private const string ServerChecks = "routes used by other apps, the artifact size limit";

    /// <summary>
    /// Runs locally every check the server would make that needs only this machine — the same <see cref="SpecValidator"/>
    /// the server runs — and then asks the server for a dry run (<c>POST /api/v1/validate</c>) when it answers, for what
    /// only it knows. Every error of both, at once; the output says which checks were made.
    /// </summary>
    public static Command Validate(GlobalOptions globals)
    {
        var file = FileOption();
        var command = new Command("validate", "Check a spec file without applying it: every error, with file, line and field; checked locally, and by the server when it answers") { file };
        CliAction.Set(command, async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!TryRead(path, RequestedEnvironment(result, globals), out var request, out var readError))
            {
                PrintErrors([readError], "nothing was checked further");
                return 1;
            }

            // No size limit locally: it is the server's setting, checked by its dry run below.
            var local = await new SpecValidator(new ArtifactLimits(MaxBytes: null, ArtifactLimits.DefaultTimeout), TimeProvider.System).ValidateAsync(request, ct);
            var server = await AskServerAsync(globals, result, request, ct);
            var errors = local.Errors.Concat(server.Errors).Distinct().OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
            var checkedBy = server.Answered
                ? $"checked locally ({LocalChecks}) and by the server at {server.Url} ({ServerChecks})"
                : $"checked locally only ({LocalChecks}); not checked: {ServerChecks}, as the server was not asked: {server.Note}";
            if (errors.Count > 0)
            {
                PrintErrors(errors, checkedBy);
                return 1;
            }

            foreach (var m in local.Manifests)
            {
                var outcome = server.Applied.FirstOrDefault(a => a.App == m.Metadata.Name && a.Environment == m.Metadata.Environment) is { } a
                    ? a.Unchanged ? $"; applying it changes nothing (revision {a.Revision})"
                    : a.RevisionCreated ? $"; applying it creates revision {a.Revision}"
                    : $"; applying it updates the app without a new revision ({a.Revision})"
                    : "";
                Console.WriteLine($"{path}: {m.Metadata.Name} ({m.Metadata.Environment}) is valid{outcome}");
            }

            Console.WriteLine(checkedBy);
            return 0;
        });
        return globals.UsesApi(command);
    }

    public static Command Apply(GlobalOptions globals)
    {
        var file = FileOption();
        var command = new Command("apply", "Submit a spec file: a changed template becomes a new revision and is rolled out") { file };
        CliAction.Set(command, async (result, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!TryRead(path, RequestedEnvironment(result, globals), out var request, out var readError))
            {
                PrintErrors([readError], "nothing was applied");
                return 1;
            }

            using var client = globals.Client(result);
            var response = await client.SendAsync(HttpMethod.Post, "/api/v1/apply", request, ct);
            if (response.Json?["errors"] is JsonArray errors)
            {
                PrintErrors([.. errors.Select(e => e!.Deserialize<SpecError>(SlipwayJson.Options)!)], "nothing was applied");
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

    private static Option<string> FileOption() => new("--file", "-f") { Description = "Spec file (YAML)", Required = true };

    /// <summary>
    /// <c>-e</c> when given on the command line: documents without an environment deploy there, and one that names
    /// another is refused. Its default (dev) is not a request: documents keep their own environment.
    /// </summary>
    private static string? RequestedEnvironment(ParseResult result, GlobalOptions globals) =>
        result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;

    /// <summary>
    /// Reads the file as the server will see it, refusing before anything is sent a file over the size limit (it would
    /// otherwise break the connection mid-upload) or bytes that are not UTF-8 (they would be silently replaced).
    /// </summary>
    private static bool TryRead(string path, string? environment, out ApplyRequest request, out SpecError error)
    {
        request = null!;
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > SpecText.MaxBytes)
            {
                error = SpecText.TooLarge(path, length);
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot read: {e.Message}", 1);
        }

        if (bytes.Length > SpecText.MaxBytes)
        {
            error = SpecText.TooLarge(path, bytes.Length); // it grew meanwhile
            return false;
        }

        if (!SpecText.TryDecode(bytes, path, out var text, out var decodeError))
        {
            error = decodeError;
            return false;
        }

        request = new ApplyRequest(path, text, BaseDirectory(path), environment);
        error = null!;
        return true;
    }

    /// <summary>The server's dry run: its errors, or what applying would do; or why it was not asked.</summary>
    private static async Task<ServerCheck> AskServerAsync(GlobalOptions globals, ParseResult result, ApplyRequest request, CancellationToken ct)
    {
        ApiClient client;
        try
        {
            client = globals.Client(result);
        }
        catch (CliException e)
        {
            // No usable --server or token: a validate that cannot ask still checks what it can.
            return ServerCheck.NotAsked(null, e.Message);
        }

        using var _ = client;
        ApiResult response;
        try
        {
            response = await client.SendAsync(HttpMethod.Post, "/api/v1/validate", request, ct);
        }
        catch (CliException e)
        {
            return ServerCheck.NotAsked(client.Server, e.Message);
        }

        if (response.Status == HttpStatusCode.UnprocessableEntity && response.Json?["errors"] is JsonArray errors)
        {
            return new ServerCheck(client.Server, true, "", [.. errors.Select(e => e!.Deserialize<SpecError>(SlipwayJson.Options)!)], []);
        }

        if (response.Ok && response.Json?["applied"] is JsonArray applied)
        {
            return new ServerCheck(client.Server, true, "", [], [.. applied.Select(a => a!.Deserialize<AppliedApp>(SlipwayJson.Options)!)]);
        }

        var message = response.Json?["error"]?.GetValue<string>() ?? $"{(int)response.Status} {response.Status}";
        return ServerCheck.NotAsked(client.Server, $"the server at {client.Server} answered: {message}");
    }

    private static string BaseDirectory(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    private static void PrintErrors(IReadOnlyCollection<SpecError> errors, string closing)
    {
        foreach (var e in errors)
        {
            Console.Error.WriteLine(e);
        }

        Console.Error.WriteLine($"{errors.Count} error(s); {closing}");
    }

    private sealed record ServerCheck(Uri? Url, bool Answered, string Note, IReadOnlyList<SpecError> Errors, IReadOnlyList<AppliedApp> Applied)
    {
        public static ServerCheck NotAsked(Uri? url, string why) => new(url, false, why, [], []);
    }
}
