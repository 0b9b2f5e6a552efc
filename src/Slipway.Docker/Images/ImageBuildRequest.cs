namespace Slipway.Docker.Images;

/// <summary>
/// What the engine builds: a context directory (sent as a tar stream, minus what its .dockerignore excludes), the
/// Dockerfile (relative to the context, or anywhere: one outside the context is sent along with it), and what the
/// image gets: tags, labels, build args.
/// </summary>
/// <param name="Dockerfile">Null for <c>Dockerfile</c> at the context's root.</param>
/// <param name="Target">The stage to build in a multi-stage Dockerfile; null for the last.</param>
public sealed record ImageBuildRequest(
    string ContextDirectory,
    string? Dockerfile = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyDictionary<string, string>? BuildArgs = null,
    string? Target = null,
    bool NoCache = false)
{
    /// <summary>The Dockerfile's full path.</summary>
    public string DockerfilePath => Path.GetFullPath(Dockerfile ?? "Dockerfile", Path.GetFullPath(ContextDirectory));
}
