using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Supply;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>image exception add|list|delete</c>: the exceptions to the vulnerability gate. Each lets one advisory through —
/// for one package or any, in one environment or all — for a reason, until an expiry; both are required, and who
/// recorded it and when are kept.
/// </summary>
internal static class ImageExceptionCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var command = new Command("exception", "Record, list and delete exceptions to the vulnerability gate (each with a reason and an expiry)");
        command.Subcommands.Add(Add(globals));
        command.Subcommands.Add(List(globals));
        command.Subcommands.Add(Delete(globals));
        return command;
    }

    private static Command Add(GlobalOptions globals)
    {
        var advisory = new Argument<string>("advisory") { Description = "The advisory to let through: its id or any alias (CVE-…, GHSA-…, DSA-…)" };
        var reason = new Option<string>("--reason") { Description = "Why this vulnerability is acceptable for now (required; recorded)", Required = true };
        var expires = new Option<string>("--expires")
        {
            Description = "When the exception ends (required): a date (2026-12-01, its start in UTC), a time (2026-12-01T12:00:00Z) or a duration from now (30d, 2w, 12h)",
            Required = true,
        };
        var package = new Option<string?>("--package") { Description = "Only for this package (its name, or its Debian source package); default: any package the advisory names" };
        var output = CommandParts.OutputOption();
        var command = new Command("add", "Let an advisory through the vulnerability gate until an expiry, for a reason; with --env, in that environment only") { advisory, reason, expires, package, output };
        CliAction.Set(command, async (result, ct) =>
        {
            var environment = result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;
            using var client = globals.Client(result);
            var request = new VulnerabilityExceptionRequest(result.GetValue(advisory), result.GetValue(reason), result.GetValue(expires), result.GetValue(package), environment, CommandParts.Actor());
            var response = (await client.SendAsync(HttpMethod.Post, "/api/v1/vulnerability-exceptions", request, ct)).EnsureOk();
            var added = response.Read<VulnerabilityExceptionView>();
            if (result.GetValue(output) is OutputFormat.Text or OutputFormat.Wide)
            {
                Console.WriteLine($"exception {added.Id} recorded: {added.Advisory}{(added.Package is { } p ? $" for {p}" : "")} is let through {(added.Environment is { } e ? $"in {e}" : "in every environment")} until {Timestamp.Format(added.ExpiresAt)}, by {added.CreatedBy}");
            }
            else
            {
                Printer.Print(result.GetValue(output), ExceptionsOutput.Create(response.Document, [added]), Console.Out, Console.Error);
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command List(GlobalOptions globals)
    {
        var output = CommandParts.OutputOption();
        var command = new Command("list", "List the exceptions recorded, expired ones marked") { output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, "/api/v1/vulnerability-exceptions", null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), ExceptionsOutput.Create(response.Document, response.Read<List<VulnerabilityExceptionView>>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }

    private static Command Delete(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The exception's id (slipway image exception list)" };
        var command = new Command("delete", "Delete an exception: what it let through is refused again") { id };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Delete, $"/api/v1/vulnerability-exceptions/{Uri.EscapeDataString(result.GetValue(id)!)}", null, ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }
}
