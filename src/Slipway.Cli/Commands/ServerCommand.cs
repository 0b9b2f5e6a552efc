using System.CommandLine;
using Slipway.Router;
using Slipway.Core.Spec;
using Slipway.Server;
using Slipway.Server.Api;
using Slipway.Server.Apply;
using Slipway.Store;

namespace Slipway.Cli.Commands;

/// <summary><c>server</c>: the control plane, with its API; it starts the router.</summary>
internal static class ServerCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var api = new Option<string>("--api")
        {
            Description = "Address of the HTTP API, host:port; a non-loopback address needs --tls-cert/--tls-key or --insecure-remote-api",
            DefaultValueFactory = _ => "127.0.0.1:7070",
        };
        var allowedHosts = new Option<string[]>("--api-allowed-host")
        {
            Description = "A host name clients use to reach the API (repeatable); loopback names and the --api address are always allowed",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate of the API: the API then speaks HTTPS (with --tls-key)" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert" };
        var insecure = new Option<bool>("--insecure-remote-api")
        {
            Description = "Serve a non-loopback --api without TLS: the API token then crosses the network in clear text",
        };
        var listen = new Option<string>("--router-listen") { Description = "Address the router serves on", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var admin = new Option<string>("--router-admin") { Description = "Address of the router's admin endpoint (/metrics, /state)", DefaultValueFactory = _ => "127.0.0.1:8081" };
        var instancePorts = new Option<string>("--instance-ports")
        {
            Description = "Ports given to instances, first-last; outside the kernel's ephemeral range",
            DefaultValueFactory = _ => Slipway.Local.PortRange.DefaultInstancePorts.ToString(),
        };
        var maxArtifactSize = new Option<string>("--max-artifact-size")
        {
            Description = "Largest artifact directory an apply may copy, e.g. 500MiB or 4GiB (default 2GiB)",
            DefaultValueFactory = _ => "2GiB",
        };
        var artifactTimeout = new Option<string>("--artifact-timeout")
        {
            Description = "Longest an apply may take to check, or to hash and copy, one artifact directory, e.g. 90s or 10m (default 5m)",
            DefaultValueFactory = _ => "5m",
        };
        var dockerHost = new Option<string?>("--docker-host")
        {
            Description = "The Docker Engine that runs instances of images, unix:///path/docker.sock (default: $SLIPWAY_DOCKER_HOST, else a unix $DOCKER_HOST, else the engine scripts/docker-engine.sh runs)",
        };
        var insecureRegistries = new Option<string[]>(Slipway.Server.Images.RegistrySettings.InsecureRegistryFlag)
        {
            Description = "HOST[:PORT]: a registry spoken to over plain http, as Docker's insecure-registries (repeatable; only for a registry on a trusted network, such as loopback)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var registryCas = new Option<string[]>(Slipway.Server.Images.RegistrySettings.CaFlag)
        {
            Description = "FILE: PEM certificate(s) of a CA trusted for registries besides the system's (repeatable)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var advisories = new Option<string?>("--advisories")
        {
            Description = "Offline advisory database for the vulnerability gate: a folder of OSV JSON files or a .zip of them (read at start and again when it changes)",
        };
        var command = new Command("server", "Run the control plane (starts the router if it is not running); writes the API token to <data>/api-token on first start")
        {
            api, allowedHosts, tlsCert, tlsKey, insecure, listen, admin, instancePorts, maxArtifactSize, artifactTimeout, dockerHost, insecureRegistries, registryCas,
        };
        command.Options.Add(advisories);
        CliAction.Set(command, async (result, ct) =>
        {
            if (!ArtifactLimits.TryParseSize(result.GetValue(maxArtifactSize)!, out var maxBytes))
            {
                throw new CliException($"--max-artifact-size: expected a size such as 500MiB, 2GiB or a number of bytes, got '{result.GetValue(maxArtifactSize)}'", 2);
            }

            if (!DurationParser.TryParse(result.GetValue(artifactTimeout)!, out var timeout) || timeout <= TimeSpan.Zero)
            {
                throw new CliException($"--artifact-timeout: expected a positive duration such as 90s or 10m, got '{result.GetValue(artifactTimeout)}'", 2);
            }

            var ports = Slipway.Local.PortRange.Parse(result.GetValue(instancePorts), out var portsError);
            var docker = Slipway.Docker.Engine.DockerEndpoint.FromEnvironment();
            if (result.GetValue(dockerHost) is { } host && !Slipway.Docker.Engine.DockerEndpoint.TryParse(host, out docker, out var dockerError))
            {
                throw new CliException($"--docker-host: {dockerError}", 2);
            }

            var options = new ServerOptions(globals.DataDirectory(result), result.GetValue(api)!, result.GetValue(listen)!, result.GetValue(admin)!)
            {
                ApiAllowedHosts = result.GetValue(allowedHosts) ?? [],
                TlsCertificatePath = FullPath(result.GetValue(tlsCert)),
                TlsKeyPath = FullPath(result.GetValue(tlsKey)),
                InsecureRemoteApi = result.GetValue(insecure),
                InstancePorts = ports ?? Slipway.Local.PortRange.DefaultInstancePorts,
                Artifacts = new ArtifactLimits(maxBytes, timeout),
                DockerHost = docker,
                Registries = new Slipway.Server.Images.RegistrySettings(result.GetValue(insecureRegistries) ?? [], [.. (result.GetValue(registryCas) ?? []).Select(Path.GetFullPath)]),
                AdvisoriesPath = FullPath(result.GetValue(advisories)),
            };

            // The router is started detached, where its refusal would only reach its log: check its addresses here.
            CommandParts.RefuseInvalid(new RouterOptions(options.RouterConfigPath, options.RouterListen, options.RouterAdmin).Validate()
                .Select(e => "router-" + e)
                .Concat(ports is null ? [$"instance-ports: {portsError}"] : new Slipway.Local.SupervisorOptions { InstancePorts = ports }.Validate())
                .Concat(options.Registries.Validate()));
            try
            {
                await ServerHost.RunAsync(options, ct);
            }
            catch (StoreOpenException e)
            {
                // A data directory the store cannot open (written by a newer Slipway, not a database):
                // the operator's problem to fix, so a message, not a stack trace.
                throw new CliException(e.Message, 1);
            }
            catch (ServerRunningException e)
            {
                throw new CliException(e.Message, 1);
            }
            catch (Slipway.Server.Routing.RouterAdminTakenException e)
            {
                throw new CliException(e.Message, 1);
            }
            catch (Slipway.Server.Secrets.MasterKeyException e)
            {
                throw new CliException(e.Message, 1);
            }
            catch (Slipway.Server.Images.RegistrySettingsException e)
            {
                throw new CliException(e.Message, 2);
            }
            catch (Slipway.Server.Supply.AdvisoryDatabaseException e)
            {
                throw new CliException(e.Message, 1);
            }
            catch (ApiConfigurationException e)
            {
                throw new CliException(e.Message.Replace("\n", "\nerror: ", StringComparison.Ordinal), 2);
            }

            return 0;
        });
        return globals.Uses(command, globals.Data);
    }

    private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);
}
