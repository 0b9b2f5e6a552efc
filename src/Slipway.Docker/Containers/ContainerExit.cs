namespace Slipway.Docker.Containers;

/// <summary>How a container's main process ended, as waiting for it reports: 128+n for a signal n (143 for SIGTERM).</summary>
public sealed record ContainerExit(int ExitCode, string? Error);
