namespace Slipway.Local;

/// <summary>
/// A supervised instance: a process started from <see cref="Spec"/> on its own port, restarted
/// when it dies, probed for readiness. Its status is an immutable value replaced on each change,
/// so readers on any thread see a consistent snapshot.
/// </summary>
public sealed class Instance
{
    private readonly Lock _gate = new();
    private readonly Action<Instance> _changed;
    private InstanceStatus _status;

    internal Instance(InstanceSpec spec, string logPath, string workingDirectory, InstanceStatus status, Action<Instance> changed)
    {
        Spec = spec;
        LogPath = logPath;
        WorkingDirectory = workingDirectory;
        _status = status;
        _changed = changed;
    }

    public InstanceSpec Spec { get; }

    /// <summary>
    /// The loopback port given to the process as $PORT; kept across restarts, unless another process has taken it
    /// while the instance was down: then the instance moves to a new port (a status change, so Changed is raised).
    /// </summary>
    public int Port => Status.Port;

    public InstanceStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Where the router reaches it, <c>127.0.0.1:port</c>; follows <see cref="Port"/>.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The file the process's stdout and stderr are appended to.</summary>
    public string LogPath { get; }

    /// <summary>
    /// Where the process runs: this instance's own copy of its artifact (<see cref="InstanceSpec.WorkingDirectory"/>),
    /// made when it first starts and removed when it is stopped.
    /// </summary>
    public string WorkingDirectory { get; }

    public override string ToString() => $"{Spec.InstanceId} ({Spec.App}/{Spec.Environment} r{Spec.Revision}, {Endpoint})";

    /// <summary>Applies a change; raises Changed (outside the lock) only when the status really differs.</summary>
    internal InstanceStatus Update(Func<InstanceStatus, InstanceStatus> change)
    {
        InstanceStatus next;
        lock (_gate)
        {
            next = change(_status);
            if (next == _status)
            {
                return next;
            }

            _status = next;
        }

        _changed(this);
        return next;
    }
}
