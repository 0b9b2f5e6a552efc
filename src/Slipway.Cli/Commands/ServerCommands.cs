using System.CommandLine;
using Slipway.Router;
using Slipway.Server;

namespace Slipway.Cli.Commands;

/// <summary><c>server</c>, <c>router</c> and <c>down</c>: the processes of the control and data planes.</summary>
internal static class ServerCommands
{
    public static Option<string> DataOption() => new("--data", "-d")
    {
        Description = "Data directory (store, instance state, logs, router table); default $SLIPWAY_DATA or ~/.slipway",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLIPWAY_DATA")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".slipway"),
    };

    public static Command Server()
    {
        var data = DataOption();
        var api = new Option<string>("--api") { Description = "Address of the HTTP API", DefaultValueFactory = _ => "127.0.0.1:7070" };
        var listen = new Option<string>("--router-listen") { Description = "Address the router serves on", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var admin = new Option<string>("--router-admin") { Description = "Address of the router's admin endpoint (/metrics, /state)", DefaultValueFactory = _ => "127.0.0.1:8081" };
        var instancePorts = new Option<string>("--instance-ports")
        {
            Description = "Ports given to instances, first-last; outside the kernel's ephemeral range",
            DefaultValueFactory = _ => Slipway.Local.PortRange.DefaultInstancePorts.ToString(),
        };
        var command = new Command("server", "Run the control plane (starts the router if it is not running)") { data, api, listen, admin, instancePorts };
        CliAction.Set(command, async (result, ct) =>
        {
            var ports = Slipway.Local.PortRange.Parse(result.GetValue(instancePorts), out var portsError);
            var options = new ServerOptions(Path.GetFullPath(result.GetValue(data)!), result.GetValue(api)!, result.GetValue(listen)!, result.GetValue(admin)!)
            {
                InstancePorts = ports ?? Slipway.Local.PortRange.DefaultInstancePorts,
            };
            // The router is started detached, where its refusal would only reach its log: check its addresses here.
            RefuseInvalid(new RouterOptions(options.RouterConfigPath, options.RouterListen, options.RouterAdmin).Validate()
                .Select(e => "router-" + e)
                .Concat(ports is null ? [$"instance-ports: {portsError}"] : new Slipway.Local.SupervisorOptions { InstancePorts = ports }.Validate()));
            await ServerHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    public static Command Router()
    {
        var config = new Option<string>("--config") { Description = "Routing table file written by the server", Required = true };
        var listen = new Option<string>("--listen") { DefaultValueFactory = _ => "127.0.0.1:8080" };
        var admin = new Option<string>("--admin") { DefaultValueFactory = _ => "127.0.0.1:8081" };
        var accessLog = new Option<string?>("--access-log") { Description = "File for JSON access logs (default stdout)" };
        var inline = new Option<bool>("--inline-scheduling")
        {
            Description = "Handle requests on the socket I/O threads: more throughput, higher tail latency (see bench/README.md)",
        };
        var command = new Command("router", "Run the router (the server starts it; it keeps serving when the server stops)") { config, listen, admin, accessLog, inline };
        CliAction.Set(command, async (result, ct) =>
        {
            var options = new RouterOptions(result.GetValue(config)!, result.GetValue(listen)!, result.GetValue(admin)!, result.GetValue(accessLog))
            {
                InlineScheduling = result.GetValue(inline),
            };
            RefuseInvalid(options.Validate());
            await RouterHost.RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    /// <summary>Stops with every error, one a line, when there is any.</summary>
    private static void RefuseInvalid(IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count > 0)
        {
            throw new CliException(string.Join(Environment.NewLine + "error: ", list), 2);
        }
    }

    public static Command Down()
    {
        var data = DataOption();
        var command = new Command("down", "Stop every instance and the router of a data directory (run after stopping the server)") { data };
        CliAction.Set(command, async (result, ct) =>
        {
            await DataPlane.StopAllAsync(Path.GetFullPath(result.GetValue(data)!), ct);
            Console.WriteLine("stopped every instance and the router");
            return 0;
        });
        return command;
    }
}
