using Slipway.Docker.Engine;
using Slipway.Docker.Lint;
using Slipway.Oci;

namespace Slipway.Docker.Build;

/// <summary>What <c>slipway build</c> asks for: a context and Dockerfile, the repository to push to, and the lint's levels.</summary>
/// <param name="Repository">Where the image goes, without tag or digest, e.g. <c>localhost:5000/web</c>.</param>
/// <param name="Dockerfile">Relative to the context (or absolute); null for <c>Dockerfile</c> at its root.</param>
/// <param name="Tags">Tags besides the ones from git.</param>
/// <param name="Labels">Labels besides the OCI ones from git (which win over these).</param>
/// <param name="Push">False builds, tags and lints without pushing (no digest then).</param>
/// <param name="NoCache">Build every step again instead of reusing the engine's cache (<c>slipway build --no-cache</c>).</param>
public sealed record ImageBuildOptions(
    string ContextDirectory,
    ImageReference Repository,
    string? Dockerfile = null,
    IReadOnlyDictionary<string, string>? BuildArgs = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    string? Target = null,
    ImageLintOptions? Lint = null,
    RegistryCredentials? Credentials = null,
    bool Push = true,
    bool NoCache = false);
