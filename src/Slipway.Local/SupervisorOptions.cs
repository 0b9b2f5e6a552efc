namespace Slipway.Local;

/// <summary>Tuning of the local supervisor; the defaults suit production, tests shorten them.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Delay before the first restart after a crash; doubled for each further consecutive crash.</summary>
    public TimeSpan InitialRestartBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A process that ran this long before exiting counts as healthy: its backoff starts over.</summary>
    public TimeSpan BackoffResetAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an adopted process (not our child, so no exit notification) is checked in /proc.</summary>
    public TimeSpan AdoptedProcessPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Period of the implicit TCP readiness check used when a spec declares no readiness probe: Kubernetes' default
    /// period. A new instance is still checked every second until it is first ready (see <see cref="Probes.ProbeCadence"/>).
    /// </summary>
    public TimeSpan ImplicitReadinessPeriod { get; init; } = TimeSpan.FromSeconds(10);

    public long MaxLogBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Rotated files kept beside a log: name.log.1 (newest) … name.log.N.</summary>
    public int RotatedLogFiles { get; init; } = 3;

    /// <summary>
    /// How often the supervisor looks at each log: a checkpoint in its time index when it grew (a line's time is
    /// exact to this interval), and a rotation when it is past <see cref="MaxLogBytes"/>.
    /// </summary>
    public TimeSpan LogCheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Log directories kept per app×env, newest revisions first.</summary>
    public int RetainedLogRevisions { get; init; } = 5;

    /// <summary>
    /// Where instances get their ports (<see cref="PortRange.DefaultInstancePorts"/> by default). Ports of the kernel's
    /// ephemeral range are never given, even when this range overlaps it.
    /// </summary>
    public PortRange InstancePorts { get; init; } = PortRange.DefaultInstancePorts;

    /// <summary>
    /// Variables of the controller's environment passed on to instances. Only these: the
    /// controller's environment may hold its own secrets.
    /// </summary>
    public IReadOnlyList<string> InheritedEnvironment { get; init; } =
        ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "DOTNET_ROOT"];

    /// <summary>Every problem with these options, all at once; empty when a supervisor can run with them.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var ephemeral = EphemeralPorts.Read();
        if (InstancePorts.CountOutside(ephemeral) == 0)
        {
            errors.Add($"instance ports {InstancePorts} all lie inside the kernel's ephemeral port range {ephemeral} "
                + $"({EphemeralPorts.RangeFile}), where outgoing connections take their ports; choose a range outside it");
        }

        return errors;
    }
}
