namespace Slipway.Core.Preflight;

/// <summary>
/// The value of a secret's key as the server found it, for the preflight checks to judge (is it a placeholder?).
/// It never leaves them: no item, message or view holds it, and printing the record shows its version only.
/// </summary>
public sealed record SecretFact(int Version, string Value)
{
    public override string ToString() => $"SecretFact(version {Version})";
}
