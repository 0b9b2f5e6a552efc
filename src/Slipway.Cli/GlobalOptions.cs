using System.CommandLine;
using Slipway.Server.Api;

namespace Slipway.Cli;

/// <summary>
/// Options every API command takes: which server, which environment, which data directory (for the API token).
/// They are accepted anywhere on the command line; a command that has no use for one refuses it (see
/// <see cref="RefuseWhereUnused"/>) rather than ignoring it.
/// </summary>
internal sealed class GlobalOptions
{
    private readonly Dictionary<Option, HashSet<Command>> _users = [];

    public Option<string> Server { get; } = new("--server")
    {
        Description = $"The Slipway server: host:port, http://… or https://… (default $SLIPWAY_SERVER or 127.0.0.1:{ServerAddress.DefaultPort})",
        Recursive = true,
        DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable("SLIPWAY_SERVER") ?? $"http://127.0.0.1:{ServerAddress.DefaultPort}",
    };

    public Option<string> Environment { get; } = new("--env", "-e")
    {
        Description = "Environment of the app (default dev)",
        Recursive = true,
        DefaultValueFactory = _ => "dev",
    };

    public Option<string> Data { get; } = new("--data", "-d")
    {
        Description = "Data directory of the server (store, instance state, logs, router table, API token); default $SLIPWAY_DATA or ~/.slipway",
        Recursive = true,
        DefaultValueFactory = _ => System.Environment.GetEnvironmentVariable("SLIPWAY_DATA")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".slipway"),
    };

    public IEnumerable<Option> All => [Server, Environment, Data];

    /// <summary>Declares that <paramref name="command"/> honours <paramref name="options"/>.</summary>
    public Command Uses(Command command, params Option[] options)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in options)
        {
            if (!_users.TryGetValue(option, out var users))
            {
                _users[option] = users = [];
            }

            users.Add(command);
        }

        return command;
    }

    /// <summary>An API command's options: server, environment and the data directory of the token.</summary>
    public Command UsesApi(Command command) => Uses(command, Server, Environment, Data);

    /// <summary>
    /// Makes every command below <paramref name="root"/> refuse a global option it did not declare with
    /// <see cref="Uses"/>: <c>slipway demo --data x</c> is an error, not a flag silently ignored.
    /// </summary>
    public void RefuseWhereUnused(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var command in root.Subcommands)
        {
            if (command.Subcommands.Count > 0)
            {
                // A validator sees the whole command line: only the command that runs may judge it.
                RefuseWhereUnused(command);
                continue;
            }

            foreach (var option in All)
            {
                if (_users.TryGetValue(option, out var users) && users.Contains(command))
                {
                    continue;
                }

                command.Validators.Add(result =>
                {
                    if (result.GetResult(option) is { Implicit: false })
                    {
                        result.AddError($"{option.Name} does not apply to `slipway {CommandPath(command)}`");
                    }
                });
            }
        }
    }

    /// <summary>A client for the server the command line names, with the API token it finds.</summary>
    public ApiClient Client(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var serverSource = result.GetResult(Server) is { Implicit: false } ? "--server"
            : System.Environment.GetEnvironmentVariable("SLIPWAY_SERVER") is not null ? "$SLIPWAY_SERVER" : "--server";
        var server = ServerAddress.Parse(result.GetValue(Server)!, serverSource);
        var credential = ApiCredential.Resolve(result.GetValue(Data)!, dataIsExplicit: result.GetResult(Data) is { Implicit: false });
        return new ApiClient(server, credential);
    }

    /// <summary>The data directory the command line names (<c>--data</c>, <c>$SLIPWAY_DATA</c> or the default), as a full path.</summary>
    public string DataDirectory(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Path.GetFullPath(result.GetValue(Data)!);
    }

    private static string CommandPath(Command command) =>
        command.Parents.OfType<Command>().FirstOrDefault() is { } parent && parent is not RootCommand
            ? $"{CommandPath(parent)} {command.Name}"
            : command.Name;
}
