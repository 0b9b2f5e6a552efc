namespace Slipway.Oci.Signing;

/// <summary>A public key trusted under a name users know it by (<c>release-key</c>), as a policy names it.</summary>
public sealed record TrustedKey(string Name, VerificationKey Key)
{
    public override string ToString() => $"{Name} ({Key.ShortKeyId})";
}
