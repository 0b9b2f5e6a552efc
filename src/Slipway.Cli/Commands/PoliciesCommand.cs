using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>policies [-e ENV]</c>: the image policies the server holds (applied with <c>slipway apply</c>, as
/// <c>kind: ImagePolicy</c> documents); with <c>-e</c>, those that name the environment and, in text, what they ask
/// together. <c>policies delete NAME</c> deletes one.
/// </summary>
internal static class PoliciesCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var output = CommandParts.OutputOption();
        var command = new Command("policies", "List the image policies (kind: ImagePolicy, applied with slipway apply); with -e, those of an environment and what they ask together") { output };
        command.Subcommands.Add(Delete(globals));
        CliAction.Set(command, async (result, ct) =>
        {
            var environment = result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;
            using var client = globals.Client(result);
            var path = environment is null ? "/api/v1/image-policies" : $"/api/v1/image-policies?environment={Uri.EscapeDataString(environment)}";
            var response = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk();
            var format = result.GetValue(output);
            var policies = response.Read<List<ImagePolicyView>>();
            Printer.Print(format, PoliciesOutput.Create(response.Document, policies, environment, TimeProvider.System.GetUtcNow()), Console.Out, Console.Error);
            if (environment is not null && policies.Count > 0 && format is OutputFormat.Text or OutputFormat.Wide)
            {
                // Several policies may name the environment: every one applies, and this says what that adds up to.
                var effective = (await client.SendAsync(HttpMethod.Get, $"/api/v1/environments/{Uri.EscapeDataString(environment)}/image-policy", null, ct)).EnsureOk();
                Console.WriteLine();
                Console.WriteLine(effective.Read<EffectiveImagePolicyView>().Summary);
            }

            return 0;
        });
        return globals.UsesApi(command);
    }

    private static Command Delete(GlobalOptions globals)
    {
        var name = new Argument<string>("policy") { Description = "The image policy's name (metadata.name)" };
        var command = new Command("delete", "Delete an image policy: its environments then ask only what their other policies ask") { name };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Delete, $"/api/v1/image-policies/{Uri.EscapeDataString(result.GetValue(name)!)}", null, ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }
}
