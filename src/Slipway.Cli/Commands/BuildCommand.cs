using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Core.Serialization;
using Slipway.Docker.Lint;
using Slipway.Oci;
using Slipway.Server.Apply;
using Slipway.Server.Build;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>build [-f Dockerfile] [--context DIR] --repo REGISTRY/NAME …</c>: the server builds the Dockerfile through its
/// Docker Engine, names the image from git, lints it, pushes every tag and records it by digest; this prints the
/// engine's output as it comes, then what was pushed. Ctrl-C cancels the build on the server and waits for it to say
/// so (a second Ctrl-C stops waiting).
/// </summary>
/// <remarks>
/// The context is not uploaded: the CLI sends its full path and the server reads it, as <c>slipway apply</c> does with
/// artifact directories, so the server must run on the same machine (or see the same files at the same path).
/// </remarks>
internal static class BuildCommand
{
    /// <param name="hurry">The second Ctrl-C: stop waiting for the server to confirm the cancel.</param>
    public static Command Create(GlobalOptions globals, CancellationToken hurry)
    {
        var file = new Option<string>("--file", "-f")
        {
            Description = "The Dockerfile, relative to the current directory as in docker build (default: Dockerfile in the context)",
            HelpName = "path",
        };
        var context = new Option<string>("--context")
        {
            Description = "The build context: the directory whose files the Dockerfile can COPY, read by the server (default: the current directory)",
            HelpName = "dir",
            DefaultValueFactory = _ => ".",
        };
        var repo = new Option<string>("--repo")
        {
            Description = "Where the image is pushed, without a tag: REGISTRY/NAME, e.g. 127.0.0.1:5000/web (tags come from git)",
            HelpName = "registry/name",
            Required = true,
        };
        var buildArgs = new Option<string[]>("--build-arg")
        {
            Description = "NAME=VALUE for an ARG of the Dockerfile; NAME alone takes the value of the variable NAME here (repeatable)",
            HelpName = "name=value",
            AllowMultipleArgumentsPerToken = false,
        };
        var tags = new Option<string[]>("--tag", "-t")
        {
            Description = "A tag besides those from git (full and short commit, branch, version) (repeatable)",
            HelpName = "tag",
            AllowMultipleArgumentsPerToken = false,
        };
        var target = new Option<string>("--target") { Description = "The stage of a multi-stage Dockerfile to build (default: the last)", HelpName = "stage" };
        var noCache = new Option<bool>("--no-cache") { Description = "Build every step again instead of reusing the engine's cache" };
        var lintRoot = LevelOption("--lint-root", "the image runs as root", "warn");
        var lintBase = LevelOption("--lint-base", "a base image is not pinned by digest, or is :latest", "warn");
        var lintSecrets = LevelOption("--lint-secrets", "an ENV or ARG name looks like a secret's", "fail");
        var lintSize = LevelOption("--lint-size", "the image is above --size-budget", "warn");
        var sizeBudget = new Option<string>("--size-budget") { Description = "The image size --lint-size judges, e.g. 200MiB or 1GiB (default 500MiB)", HelpName = "size" };
        sizeBudget.Validators.Add(option =>
        {
            if (option.Tokens.Count > 0 && (!ArtifactLimits.TryParseSize(option.Tokens[^1].Value, out var bytes) || bytes <= 0))
            {
                option.AddError($"--size-budget: expected a size such as 500MiB, 1GiB or a number of bytes, got '{option.Tokens[^1].Value}'");
            }
        });
        repo.Validators.Add(option =>
        {
            var text = option.Tokens.Count > 0 ? option.Tokens[^1].Value : "";
            if (!ImageReference.TryParse(text, out var reference, out var error))
            {
                option.AddError($"--repo: {error}");
            }
            else if (reference.Tag is not null || reference.Digest is not null)
            {
                option.AddError($"--repo '{text}': give the repository without a tag or digest ({reference.Name}): the tags come from git, and --tag adds more");
            }
        });

        var output = CommandParts.OutputOption();
        var command = new Command("build", "Build a Dockerfile into an image on the server's Docker Engine, tagged from git, linted, pushed and recorded by digest")
        {
            file, context, repo, buildArgs, tags, target, noCache, lintRoot, lintBase, lintSecrets, lintSize, sizeBudget, output,
        };
        CliAction.Set(command, async (result, ct) =>
        {
            var (args, errors) = BuildArgs(result.GetValue(buildArgs) ?? [], Environment.GetEnvironmentVariable);
            CommandParts.RefuseInvalid(errors);
            var request = new BuildRequest(
                Path.GetFullPath(result.GetValue(context)!),
                result.GetValue(repo),
                result.GetValue(file) is { } dockerfile ? Path.GetFullPath(dockerfile) : null,
                args.Count == 0 ? null : args,
                result.GetValue(tags) is { Length: > 0 } extra ? extra : null,
                result.GetValue(target),
                new BuildLint(Level(result, lintRoot), Level(result, lintBase), Level(result, lintSecrets), Level(result, lintSize), result.GetValue(sizeBudget)),
                result.GetValue(noCache),
                CommandParts.Actor());
            using var client = globals.Client(result);
            return await new BuildProgress(client, result.GetValue(output), ct, hurry).RunAsync(request);
        });
        return globals.Uses(command, globals.Server, globals.Data);
    }

    /// <summary>
    /// <c>--build-arg</c> values as the engine takes them: <c>NAME=VALUE</c>, or <c>NAME</c> alone for the value of the
    /// variable NAME in this environment (as docker build does); every problem, one a line.
    /// </summary>
    internal static (Dictionary<string, string> Args, IReadOnlyList<string> Errors) BuildArgs(IEnumerable<string> given, Func<string, string?> environment)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var arg in given)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg : arg[..eq];
            if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            {
                errors.Add($"--build-arg '{arg}': expected NAME=VALUE (or NAME, to pass the variable NAME of this environment)");
            }
            else if (eq >= 0)
            {
                args[name] = arg[(eq + 1)..];
            }
            else if (environment(name) is { } value)
            {
                args[name] = value;
            }
            else
            {
                errors.Add($"--build-arg {name}: no variable {name} is set here; give its value as {name}=VALUE");
            }
        }

        return (args, errors);
    }

    private static Option<string> LevelOption(string name, string what, string level)
    {
        var option = new Option<string>(name) { Description = $"What the lint does when {what}: warn, fail or off (default {level})", HelpName = "level" };
        option.CompletionSources.Add("warn", "fail", "off");
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !ImageLintOptions.TryParseLevel(result.Tokens[^1].Value, out _))
            {
                result.AddError($"{name} '{result.Tokens[^1].Value}': expected warn, fail or off");
            }
        });
        return option;
    }

    private static LintLevel? Level(ParseResult result, Option<string> option) =>
        result.GetValue(option) is { } text && ImageLintOptions.TryParseLevel(text, out var level) ? level : null;

    /// <summary>Sends the build, prints its events as they come and turns its end into an exit code.</summary>
    private sealed class BuildProgress(ApiClient client, OutputFormat format, CancellationToken stopping, CancellationToken hurry)
    {
        private readonly Lock _lock = new();
        private readonly TextWriter _progress = format is OutputFormat.Text or OutputFormat.Wide ? Console.Out : Console.Error;
        private string? _id;
        private bool _stopAsked;
        private Task? _cancelling;

        public async Task<int> RunAsync(BuildRequest request)
        {
            // Read with the second Ctrl-C's token, not the first's: the first asks the server to cancel, and the
            // answer's end says whether it did (and that nothing was pushed).
            using var response = await client.StreamAsync(HttpMethod.Post, "/api/v1/builds", request, stopping);
            using var registration = stopping.Register(() => StopAsked());
            await using var stream = await response.Content.ReadAsStreamAsync(hurry);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(hurry) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var node = JsonNode.Parse(line);
                switch (node?["type"]?.GetValue<string>())
                {
                    case BuildEvents.Started:
                        Started(node.Deserialize<BuildStartedEvent>(SlipwayJson.Options)!);
                        break;
                    case BuildEvents.Output:
                        _progress.WriteLine(node["line"]?.GetValue<string>());
                        break;
                    case BuildEvents.Result:
                        return Result(node["image"]!);
                    case BuildEvents.Failed:
                        throw new CliException(node.Deserialize<BuildFailedEvent>(SlipwayJson.Options)!.Error, 1);
                    case BuildEvents.Cancelled:
                        await Console.Error.WriteLineAsync(node["error"]?.GetValue<string>());
                        return 130;
                    default:
                        break; // a kind of line a newer server sends: nothing this CLI knows to show
                }
            }

            throw new CliException(
                $"the server at {client.Server} stopped answering before the build ended (did it stop?); whether the image was pushed is unknown: `slipway build` again builds from the engine's cache",
                1);
        }

        private void Started(BuildStartedEvent started)
        {
            lock (_lock)
            {
                _id = started.Id;
                if (_stopAsked)
                {
                    Cancel();
                }
            }
        }

        private void StopAsked()
        {
            lock (_lock)
            {
                _stopAsked = true;
                if (_id is not null)
                {
                    Cancel();
                }
            }
        }

        /// <summary>Asks the server to cancel the build (once); the stream then ends with its <c>cancelled</c> line.</summary>
        private void Cancel()
        {
            if (_cancelling is not null)
            {
                return;
            }

            Console.Error.WriteLine($"cancelling build {_id} on the server… (Ctrl-C again to stop waiting)");
            var id = _id!;
            _cancelling = Task.Run(async () =>
            {
                try
                {
                    // Refused when the build has just ended: then its own last line tells how.
                    await client.SendAsync(HttpMethod.Delete, $"/api/v1/builds/{Uri.EscapeDataString(id)}", null, hurry);
                }
                catch (Exception e) when (e is CliException or OperationCanceledException or HttpRequestException)
                {
                    // Not reachable or hurried: closing the connection on the way out cancels the build too.
                }
            });
        }

        private int Result(JsonNode document)
        {
            var image = document.Deserialize<BuiltImageView>(SlipwayJson.Options)!;
            Printer.Print(format, BuildOutput.Create(document, image), Console.Out, Console.Error);
            if (_cancelling is not null)
            {
                Console.Error.WriteLine("the build had finished before the cancel reached the server: the image is pushed and recorded");
            }

            return 0;
        }
    }
}
