using System.Security.Cryptography;
using Slipway.Server.Secrets;

namespace Slipway.Server.Images;

/// <summary>
/// How a signing key's private half is kept at rest: its PKCS#8 DER encrypted with the server's master key, as a
/// secret value is (<see cref="SecretCipher"/>, AES-256-GCM), bound to a place of its own — the key's name under a
/// scope no environment can have — so that a sealed key moved to another name, or to a secret, does not open.
/// No crypto of its own: the vault's cipher and master keys, so one <c>slipway secret rotate-key</c> re-encrypts both.
/// </summary>
internal static class SigningKeySeal
{
    /// <summary>The scope of the associated data: not a DNS label, so no environment's name.</summary>
    public const string Scope = "_signing-keys";

    public static byte[] Seal(MasterKey key, string name, ReadOnlySpan<byte> pkcs8)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SecretCipher.Encrypt(key, PlaceOf(name), Convert.ToBase64String(pkcs8));
    }

    /// <summary>The PKCS#8 DER; the caller zeroes it once the key is imported.</summary>
    /// <exception cref="CryptographicException">Another master key sealed it, or the sealed bytes were changed or belong to another name.</exception>
    public static byte[] Open(MasterKey key, string name, byte[] sealedKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.FromBase64String(SecretCipher.Decrypt(key, PlaceOf(name), sealedKey));
    }

    private static SecretPlace PlaceOf(string name) => new(Scope, name, "pkcs8", 1);
}
