using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Slipway.Server.Secrets;

/// <summary>
/// AES-256-GCM over one secret value: a fresh random 12-byte nonce per value, a 16-byte tag, and associated data that
/// binds the ciphertext to its place (environment, secret, key, version), so a ciphertext copied onto another row —
/// another key, another secret, an older version — fails to decrypt instead of handing out the wrong value.
/// Stored as nonce ‖ ciphertext ‖ tag.
/// </summary>
internal static class SecretCipher
{
    private const int NonceSize = 12; // AesGcm.NonceByteSizes: 96 bits, the size GCM is designed for
    private const int TagSize = 16;

    public static byte[] Encrypt(MasterKey key, SecretPlace place, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var plaintext = Encoding.UTF8.GetBytes(value);
        var sealedValue = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedValue.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Bytes, TagSize);
        aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(NonceSize, plaintext.Length), sealedValue.AsSpan(NonceSize + plaintext.Length), AssociatedData(place));
        CryptographicOperations.ZeroMemory(plaintext);
        return sealedValue;
    }

    /// <summary>The value, or a <see cref="CryptographicException"/> when the key is not the one that encrypted it, the
    /// ciphertext was changed, or it belongs to another place.</summary>
    public static string Decrypt(MasterKey key, SecretPlace place, byte[] sealedValue)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sealedValue);
        if (sealedValue.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("the stored value is too short to be a ciphertext");
        }

        var length = sealedValue.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key.Bytes, TagSize);
        aes.Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, length), sealedValue.AsSpan(NonceSize + length), plaintext, AssociatedData(place));
        try
        {
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>A versioned label, then the place's parts separated by NUL (which none of them may hold).</summary>
    private static byte[] AssociatedData(SecretPlace place) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"slipway-secret-v1\0{place.Environment}\0{place.Name}\0{place.Key}\0{place.Version}"));
}

/// <summary>Where a secret value belongs: what its ciphertext is bound to.</summary>
internal readonly record struct SecretPlace(string Environment, string Name, string Key, int Version)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"key {Key} of secret {Name} (version {Version}) in environment {Environment}");
}
