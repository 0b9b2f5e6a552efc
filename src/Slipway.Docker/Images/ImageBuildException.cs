namespace Slipway.Docker.Images;

/// <summary>
/// A build failed: the message names the step that failed (<c>step 3/5 (RUN make)</c>) and the engine's own words
/// (<c>The command '/bin/sh -c make' returned a non-zero code: 2</c>), which is what a user needs to fix it.
/// </summary>
public sealed class ImageBuildException(string? step, string engineMessage)
    : Exception(step is null ? $"the build failed before its first step: {engineMessage}" : $"{step} failed: {engineMessage}")
{
    /// <summary>The step as the engine numbered it, e.g. <c>step 3/5 (RUN make)</c>; null when none had started.</summary>
    public string? Step { get; } = step;

    public string EngineMessage { get; } = engineMessage;
}
