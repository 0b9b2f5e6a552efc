using System.CommandLine;

namespace Slipway.Cli.Commands;

/// <summary><c>delete APP</c>: forget the app in one environment.</summary>
internal static class DeleteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var command = new Command("delete", "Forget the app in this environment and stop its instances") { app };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var response = (await client.SendAsync(HttpMethod.Delete, CommandParts.AppPath(result, globals, app), null, ct)).EnsureOk();
            Console.WriteLine(response.Json?["message"]?.GetValue<string>());
            return 0;
        });
        return globals.UsesApi(command);
    }
}
