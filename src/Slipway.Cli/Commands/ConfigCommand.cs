using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Core.Config;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>config APP [-e ENV]</c>: the env every instance of the app's desired revision gets, with where each value comes
/// from (the spec, a secret, Slipway), secret values never shown, and whether each required name is satisfied.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var output = CommandParts.OutputOption();
        var command = new Command("config", "Show the effective env of an app in an environment: each name, where its value comes from, secret values hidden; and whether requiredEnv is satisfied") { app, output };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Get, CommandParts.AppPath(result, globals, app) + "/config", null, ct)).EnsureOk();
            Printer.Print(result.GetValue(output), new ConfigOutput(response.Document, response.Read<ConfigView>()), Console.Out, Console.Error);
            return 0;
        });
        return globals.UsesApi(command);
    }
}
