namespace Slipway.Server.Build;

/// <summary>
/// The lines of <c>POST /api/v1/builds</c>'s answer (NDJSON: one JSON object per line, each sent as it happens). Every
/// object has a <c>type</c>: one <c>started</c>, any number of <c>output</c>, and exactly one of <c>result</c>,
/// <c>failed</c> or <c>cancelled</c> last. A stream that ends without one of those three was cut (the server stopped).
/// </summary>
/// <remarks>
/// One stream rather than a build resource polled for its state: the output of a build is only worth something live,
/// and the answer's end is the build's end. The status code (200) is sent before the build starts, so a failure is the
/// <c>failed</c> line, not a status.
/// </remarks>
public static class BuildEvents
{
    public const string Started = "started";
    public const string Output = "output";
    public const string Result = "result";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>The media type of the answer: newline-delimited JSON.</summary>
    public const string MediaType = "application/x-ndjson";
}

/// <summary>The build runs: <see cref="Id"/> names it to <c>DELETE /api/v1/builds/{id}</c>, which cancels it.</summary>
/// <param name="Dockerfile">As the user knows it: relative to the context, or in full when outside it.</param>
public sealed record BuildStartedEvent(string Type, string Id, string Context, string Dockerfile, string Repository)
{
    public static BuildStartedEvent Of(string id, string context, string dockerfile, string repository) => new(BuildEvents.Started, id, context, dockerfile, repository);
}

/// <summary>One line of the engine's output (build steps, lint findings, push), as it comes.</summary>
public sealed record BuildOutputEvent(string Type, string Line)
{
    public static BuildOutputEvent Of(string line) => new(BuildEvents.Output, line);
}

/// <summary>The image is built, pushed and recorded: <see cref="Image"/> says what and where.</summary>
public sealed record BuildResultEvent(string Type, BuiltImageView Image)
{
    public static BuildResultEvent Of(BuiltImageView image) => new(BuildEvents.Result, image);
}

/// <summary>
/// The build failed and nothing was pushed (or, for a failure after the push, <see cref="Image"/> says what was):
/// <see cref="Error"/> says why in plain words; for a failed step, <see cref="Step"/> and the Dockerfile line it comes
/// from; for the lint, every finding.
/// </summary>
/// <param name="Step">The step as the engine numbered it, <c>step 2/3 (RUN make)</c>; null when the failure is not a step's.</param>
/// <param name="File">The Dockerfile as the user knows it, when the failure points into it.</param>
/// <param name="Line">The Dockerfile line of the failed step (1-based); null when it is not known.</param>
/// <param name="Lint">The lint's findings, warnings and failures; empty when the lint did not run.</param>
/// <param name="Image">The image pushed before the failure (recording it failed); null when nothing was pushed.</param>
public sealed record BuildFailedEvent(string Type, string Error, string? Step, string? File, int? Line, IReadOnlyList<LintFindingView> Lint, string? Image)
{
    public static BuildFailedEvent Of(string error, string? step = null, string? file = null, int? line = null, IReadOnlyList<LintFindingView>? lint = null, string? image = null) =>
        new(BuildEvents.Failed, error, step, file, line, lint ?? [], image);
}

/// <summary>
/// The build was cancelled (<c>DELETE /api/v1/builds/{id}</c>, Ctrl-C in the CLI, the client gone): <see cref="Error"/>
/// says so and what was pushed — nothing, unless the cancel came in the middle of pushing the tags.
/// </summary>
public sealed record BuildCancelledEvent(string Type, string Error)
{
    public static BuildCancelledEvent Of(string error) => new(BuildEvents.Cancelled, error);
}
