namespace Slipway.Local.Probes;

/// <summary>How a probe's attempts begin (see <see cref="ProbeCadence"/>).</summary>
internal enum ProbeStart
{
    /// <summary>First attempt right away, then at the period: startup probes.</summary>
    RightAway,

    /// <summary>First attempt right away, then every second until settled (or the start-up window ends): readiness of an instance not ready yet.</summary>
    StartingUp,

    /// <summary>First attempt at a random point of the first period: liveness, and readiness of an adopted instance that is ready.</summary>
    Spread,
}
