namespace Slipway.Core.Spec;

public sealed record ProbeSet(ProbeSpec? Startup, ProbeSpec? Readiness, ProbeSpec? Liveness)
{
    public static readonly ProbeSet None = new(null, null, null);
}

/// <summary>A probe, with the Kubernetes defaults: period 10 s, timeout 1 s, failure threshold 3.</summary>
public sealed record ProbeSpec(
    ProbeAction Action,
    int InitialDelaySeconds = 0,
    int PeriodSeconds = 10,
    int TimeoutSeconds = 1,
    int FailureThreshold = 3,
    int SuccessThreshold = 1);

public abstract record ProbeAction;

/// <param name="Port">Null means the instance's own port ($PORT).</param>
public sealed record HttpGetAction(string Path, int? Port) : ProbeAction;

/// <param name="Port">Null means the instance's own port ($PORT).</param>
public sealed record TcpSocketAction(int? Port) : ProbeAction;

/// <summary>Runs Command (argv, no shell) in the instance's working directory with its env; exit 0 is success.</summary>
public sealed record ExecAction(IReadOnlyList<string> Command) : ProbeAction;
