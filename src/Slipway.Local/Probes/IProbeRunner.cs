using Slipway.Core.Spec;

namespace Slipway.Local.Probes;

/// <summary>
/// Runs one attempt of a probe action against one instance. <see cref="ProbeRunner"/> does it for real; the cadence
/// tests give a scripted one, to watch a thousand instances' probes under a fake clock.
/// </summary>
internal interface IProbeRunner
{
    /// <summary>The attempt's outcome; a failure (timeout included) is a value, never an exception.</summary>
    Task<ProbeResult> RunAsync(ProbeAction action, TimeSpan timeout, CancellationToken ct);
}
