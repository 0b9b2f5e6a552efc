namespace Slipway.Docker.Containers;

/// <summary>
/// One message a container wrote: usually a line with its newline; a line longer than the engine's 16 KiB buffer
/// comes in parts, each without one. <see cref="Time"/> is when the engine read it (to 100 ns).
/// </summary>
public sealed record ContainerLogEntry(ContainerLogStream Stream, DateTimeOffset Time, string Text);

public enum ContainerLogStream
{
    Stdout = 1,
    Stderr = 2,
}
