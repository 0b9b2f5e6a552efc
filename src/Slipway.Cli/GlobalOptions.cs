using System.CommandLine;

namespace Slipway.Cli;

/// <summary>Options every API command takes: which server, which environment.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Server { get; } = new("--server")
    {
        Description = "URL of the Slipway server (default $SLIPWAY_SERVER or http://127.0.0.1:7070)",
        Recursive = true,
        DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable("SLIPWAY_SERVER") ?? "http://127.0.0.1:7070",
    };

    public Option<string> Environment { get; } = new("--env", "-e")
    {
        Description = "Environment of the app (default dev)",
        Recursive = true,
        DefaultValueFactory = _ => "dev",
    };

    public ApiClient Client(ParseResult result) => new(new Uri(result.GetValue(Server)!));
}
