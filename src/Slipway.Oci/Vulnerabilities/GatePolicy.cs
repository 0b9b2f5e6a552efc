namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// What an environment accepts: no finding at or above <see cref="RefuseAt"/> (say, high: high and critical are
/// refused), except those an unexpired <see cref="Exemption"/> covers.
/// </summary>
public sealed record GatePolicy
{
    public GatePolicy(Severity refuseAt, IReadOnlyList<Exemption>? exemptions = null)
    {
        if (refuseAt is Severity.Unknown or Severity.None)
        {
            throw new ArgumentException($"a gate refuses at low, medium, high or critical, not {refuseAt.Word()}", nameof(refuseAt));
        }

        RefuseAt = refuseAt;
        Exemptions = exemptions ?? [];
    }

    public Severity RefuseAt { get; }

    public IReadOnlyList<Exemption> Exemptions { get; }
}
