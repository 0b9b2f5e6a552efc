namespace Slipway.Docker.Containers;

/// <summary>
/// What inspecting a container tells the supervisor: whether it runs, its main process, when it started, and how it
/// ended (exit code, killed for memory).
/// </summary>
/// <param name="Status">The engine's word: created, running, paused, restarting, removing, exited or dead.</param>
/// <param name="Pid">The main process's pid on the host; 0 when not running.</param>
/// <param name="StartedAt">Null before the first start.</param>
/// <param name="FinishedAt">Null while it has never stopped.</param>
/// <param name="Error">The engine's reason when a start failed (e.g. the command does not exist).</param>
/// <param name="StopSignal">The signal the engine's stop sends first; null for SIGTERM.</param>
/// <param name="RestartPolicy">The engine's restart policy: <c>no</c> for every container Slipway creates.</param>
public sealed record ContainerState(
    string Id,
    string Name,
    string ImageId,
    string Image,
    IReadOnlyDictionary<string, string> Labels,
    string Status,
    bool Running,
    int Pid,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int ExitCode,
    bool OomKilled,
    string? Error,
    string? StopSignal,
    string RestartPolicy);
