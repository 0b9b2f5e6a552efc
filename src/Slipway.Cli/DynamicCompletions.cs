using System.CommandLine;
using System.CommandLine.Completions;
using Slipway.Server.Api;

namespace Slipway.Cli;

/// <summary>
/// What Tab completes beyond the names in the command tree. The <c>secret</c> argument of <c>secret set|delete</c>: the
/// secrets of the command line's environment. The <c>app</c> argument of every command: the apps the
/// server knows in the environment of the command line (<c>-e</c>, dev by default); best effort and silent, a server
/// that is down, slow (over a second) or refuses the token completes nothing and prints nothing. After a flag
/// (<c>--follow</c>): what the command takes next, rather than the flag's optional <c>True</c>/<c>False</c>.
/// </summary>
internal static class DynamicCompletions
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    /// <summary>Adds these completions to every command below <paramref name="root"/>.</summary>
    public static void AddTo(Command root, GlobalOptions globals)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(globals);
        foreach (var argument in root.Arguments.Where(a => a.Name == "app"))
        {
            argument.CompletionSources.Add(context => Complete(context, globals));
        }

        foreach (var argument in root.Arguments.Where(a => a.Name == "secret"))
        {
            argument.CompletionSources.Add(context => CompleteSecret(context, globals));
        }

        foreach (var flag in root.Options.Where(o => o.ValueType == typeof(bool)))
        {
            // A flag's optional True/False would hide what really comes next (`logs --follow <Tab>`: the app, the other options).
            flag.CompletionSources.Clear();
            flag.CompletionSources.Add(context => root.GetCompletions(context));
        }

        foreach (var command in root.Subcommands)
        {
            AddTo(command, globals);
        }
    }

    /// <summary>The secrets of the command line's environment, by name (never anything else: the API sends no values).</summary>
    private static IEnumerable<CompletionItem> CompleteSecret(CompletionContext context, GlobalOptions globals)
    {
        if (context is not TextCompletionContext)
        {
            return [];
        }

        try
        {
            using var timeout = new CancellationTokenSource(Budget);
            using var client = globals.Client(context.ParseResult);
            var environment = context.ParseResult.GetValue(globals.Environment) ?? "dev";
            var response = client.SendAsync(HttpMethod.Get, $"/api/v1/secrets?environment={Uri.EscapeDataString(environment)}", null, timeout.Token).GetAwaiter().GetResult();
            return response.Ok ? response.Read<List<SecretView>>().Select(s => new CompletionItem(s.Name)).ToList() : [];
        }
        catch (Exception e) when (e is CliException or OperationCanceledException or HttpRequestException or System.Text.Json.JsonException or IOException)
        {
            return [];
        }
    }

    private static IEnumerable<CompletionItem> Complete(CompletionContext context, GlobalOptions globals)
    {
        if (context is not TextCompletionContext)
        {
            return []; // the help page asks too, for its usage line: it must not reach for the server
        }

        try
        {
            using var timeout = new CancellationTokenSource(Budget);
            using var client = globals.Client(context.ParseResult);
            var environment = context.ParseResult.GetValue(globals.Environment);
            var response = client.SendAsync(HttpMethod.Get, "/api/v1/apps", null, timeout.Token).GetAwaiter().GetResult();
            if (!response.Ok)
            {
                return [];
            }

            return response.Read<List<AppSummary>>()
                .Where(a => a.Environment == environment)
                .Select(a => new CompletionItem(a.App))
                .ToList();
        }
        catch (Exception e) when (e is CliException or OperationCanceledException or HttpRequestException or System.Text.Json.JsonException or IOException)
        {
            return [];
        }
    }
}
