using System.CommandLine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary><c>validate -f FILE|DIR|- …</c>: specs checked, as one unit, without being applied.</summary>
internal static class ValidateCommand
{
    private const string LocalChecks = "the spec, its artifact directories";
    private const string ServerChecks = "routes used by other apps, the artifact size limit, secrets, the preflight checks";

    /// <summary>
    /// Runs locally every check the server would make that needs only this machine — the same <see cref="SpecValidator"/>
    /// the server runs — and then asks the server for a dry run (<c>POST /api/v1/validate</c>) when it answers, for what
    /// only it knows. Every error of both, at once; the output says which checks were made.
    /// </summary>
    public static Command Create(GlobalOptions globals)
    {
        var file = SpecFile.FileOption();
        var recursive = SpecFile.RecursiveOption();
        var command = new Command("validate", "Check spec files without applying them: every error, with file, line and field; checked locally, and by the server when it answers") { file, recursive };
        CliAction.Set(command, async (result, ct) =>
        {
            var input = await SpecFile.ReadAsync(result, file, recursive, globals, ct);
            if (input.Request is not { } request)
            {
                SpecFile.PrintErrors(input.Errors, "nothing was checked further");
                return 1;
            }

            // No size limit locally: it is the server's setting, checked by its dry run below.
            var local = await new SpecValidator(new ArtifactLimits(MaxBytes: null, ArtifactLimits.DefaultTimeout), TimeProvider.System).ValidateAsync(request, ct);
            var server = await AskServerAsync(globals, result, request, ct);
            var errors = SpecValidator.InFileOrder(request.AllFiles(), local.Errors.Concat(server.Errors).Distinct());
            var checkedBy = server.Answered
                ? $"checked locally ({LocalChecks}) and by the server at {server.Url} ({ServerChecks})"
                : $"checked locally only ({LocalChecks}); not checked: {ServerChecks}, as the server was not asked: {server.Note}";
            if (errors.Count > 0)
            {
                SpecFile.PrintErrors(errors, checkedBy);
                return 1;
            }

            foreach (var m in local.Manifests)
            {
                var outcome = server.Applied.FirstOrDefault(a => a.App == m.Metadata.Name && a.Environment == m.Metadata.Environment) is { } a
                    ? a.Unchanged ? $"; applying it changes nothing (revision {a.Revision})"
                    : a.RevisionCreated ? $"; applying it creates revision {a.Revision}"
                    : a.RolloutStarted ? $"; applying it rolls out revision {a.Revision} again"
                    : $"; applying it updates the app without a new revision ({a.Revision})"
                    : "";
                Console.WriteLine($"{m.Source?.FileName}: {m.Metadata.Name} ({m.Metadata.Environment}) is valid{outcome}");
            }

            foreach (var policy in local.Policies)
            {
                Console.WriteLine($"{policy.Source?.FileName}: image policy {policy.Name} ({string.Join(", ", policy.Environments)}) is valid");
            }

            foreach (var warning in server.Warnings)
            {
                Console.Error.WriteLine(warning);
            }

            Console.WriteLine(checkedBy);
            return 0;
        });
        return globals.UsesApi(command);
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
            var warnings = response.Json["warnings"] is JsonArray list ? list.Select(w => w!.Deserialize<ApplyWarning>(SlipwayJson.Options)!).ToList() : [];
            return new ServerCheck(client.Server, true, "", [], [.. applied.Select(a => a!.Deserialize<AppliedApp>(SlipwayJson.Options)!)]) { Warnings = warnings };
        }

        var message = response.Json?["error"]?.GetValue<string>() ?? $"{(int)response.Status} {response.Status}";
        return ServerCheck.NotAsked(client.Server, $"the server at {client.Server} answered: {message}");
    }

    private sealed record ServerCheck(Uri? Url, bool Answered, string Note, IReadOnlyList<SpecError> Errors, IReadOnlyList<AppliedApp> Applied)
    {
        /// <summary>The preflight warnings of the dry run (no readiness probe …), at their lines.</summary>
        public IReadOnlyList<ApplyWarning> Warnings { get; init; } = [];

        public static ServerCheck NotAsked(Uri? url, string why) => new(url, false, why, [], []);
    }
}
