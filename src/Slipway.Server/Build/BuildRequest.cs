using Slipway.Docker.Build;
using Slipway.Oci;

namespace Slipway.Server.Build;

/// <summary>
/// The body of <c>POST /api/v1/builds</c> (<c>slipway build</c>): which directory and Dockerfile the server builds, where
/// it pushes, and how the image-policy lint judges the result.
/// </summary>
/// <remarks>
/// The server reads the context from its own file system, as an apply reads an artifact directory: the CLI runs on the
/// same machine and sends the full path (<c>slipway build --context .</c> sends the current directory's), so a build of
/// hundreds of megabytes is never copied through the API. A remote CLI must name a directory the server can read.
/// </remarks>
/// <param name="Context">The build context: an absolute path on the server's machine.</param>
/// <param name="Repository">Where the image goes, without tag or digest: <c>REGISTRY/NAME</c>, e.g. <c>127.0.0.1:5000/web</c>.</param>
/// <param name="Dockerfile">Relative to the context, or absolute; null for <c>Dockerfile</c> at the context's root.</param>
/// <param name="BuildArgs">Build-time variables, as <c>--build-arg NAME=VALUE</c>.</param>
/// <param name="Tags">Tags besides those from git (full and short commit, branch, version).</param>
/// <param name="Target">The stage of a multi-stage Dockerfile to build; null for the last.</param>
/// <param name="Lint">Levels of the lint's rules and the size budget; null for the defaults.</param>
/// <param name="NoCache">Build every step again rather than from the engine's cache.</param>
/// <param name="Actor">Who builds (<c>$SLIPWAY_ACTOR</c> or user@host): recorded with the image.</param>
public sealed record BuildRequest(
    string? Context,
    string? Repository,
    string? Dockerfile = null,
    IReadOnlyDictionary<string, string>? BuildArgs = null,
    IReadOnlyList<string>? Tags = null,
    string? Target = null,
    BuildLint? Lint = null,
    bool NoCache = false,
    string? Actor = null)
{
    /// <summary>The most characters of an actor recorded with an image (a name, not a message).</summary>
    public const int MaxActorLength = 200;

    /// <summary>
    /// Every reason the body is not a build request (the API answers 400 with all of them, one per line); empty when it
    /// is one. Whether the directories exist is checked later (<see cref="BuildService.RefuseAsync"/>): that is about the
    /// machine, not the request.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Context))
        {
            problems.Add("context: required, the build context's full path (slipway build --context DIR sends it)");
        }
        else if (!Path.IsPathFullyQualified(Context))
        {
            problems.Add($"context '{Context}': expected a full path on the server's machine, e.g. /home/me/web (the CLI sends one)");
        }

        if (string.IsNullOrWhiteSpace(Repository))
        {
            problems.Add("repository: required, where the image is pushed: REGISTRY/NAME, e.g. 127.0.0.1:5000/web");
        }
        else if (!ImageReference.TryParse(Repository, out var reference, out var error))
        {
            problems.Add($"repository '{Repository}': {error}");
        }
        else if (reference.Tag is not null || reference.Digest is not null)
        {
            problems.Add($"repository '{Repository}': expected the repository alone, without a tag or digest ({reference.Name}): the build names the tags from git");
        }
        else if (reference.Registry == ImageReference.DockerHub && !Repository.StartsWith(ImageReference.DockerHub + "/", StringComparison.Ordinal))
        {
            problems.Add($"repository '{Repository}': name the registry too, e.g. 127.0.0.1:5000/{reference.Repository.Split('/')[^1]} (a build is pushed, and Docker Hub is never assumed)");
        }

        if (Dockerfile is { } dockerfile && string.IsNullOrWhiteSpace(dockerfile))
        {
            problems.Add("dockerfile: empty; leave it out for Dockerfile at the context's root");
        }

        foreach (var (name, _) in BuildArgs ?? new Dictionary<string, string>())
        {
            if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '='))
            {
                problems.Add($"buildArgs: '{name}' is not a variable name (no spaces, no '=')");
            }
        }

        foreach (var tag in Tags ?? [])
        {
            if (!ImageReference.TryParse("x:" + tag, out _, out _))
            {
                problems.Add($"tags: '{tag}' is not a valid tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
            }
        }

        if (Target is { } target && string.IsNullOrWhiteSpace(target))
        {
            problems.Add("target: empty; leave it out to build the last stage");
        }

        if (Lint?.Problem() is { } lint)
        {
            problems.Add(lint);
        }

        if (Actor is { Length: > MaxActorLength })
        {
            problems.Add($"actor: at most {MaxActorLength} characters");
        }

        return problems;
    }

    /// <summary>The context's Dockerfile, as a full path (call after <see cref="Problems"/> found none).</summary>
    public string DockerfilePath() => Path.GetFullPath(Dockerfile ?? "Dockerfile", Context!);

    /// <summary>What the image builder is asked (call after <see cref="Problems"/> found none).</summary>
    internal ImageBuildOptions ToOptions() => new(
        Context!,
        ImageReference.Parse(Repository!),
        Dockerfile,
        BuildArgs,
        Tags,
        Labels: null,
        Target,
        Lint?.ToOptions() ?? Docker.Lint.ImageLintOptions.Default,
        Credentials: null,
        Push: true,
        NoCache);
}
