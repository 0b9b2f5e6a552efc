namespace Slipway.Docker.Containers;

/// <summary>How a command run inside a container ended, and what it printed (stdout and stderr as they came, cut at a limit).</summary>
public sealed record ContainerExecResult(int ExitCode, string Output);
