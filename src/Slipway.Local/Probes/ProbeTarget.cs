namespace Slipway.Local.Probes;

/// <summary>
/// What a probe of one instance talks to: its port, and for exec probes its directory and environment — or, for a
/// container, <see cref="ExecInside"/>, which runs the command inside it (the container has its own filesystem, and
/// its environment already).
/// </summary>
internal sealed record ProbeTarget(int Port, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>Runs a command inside the instance's container and says how it ended: exit code and output.</summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>>? ExecInside { get; init; }
}
