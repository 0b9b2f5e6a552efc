using System.Security.Cryptography;

namespace Slipway.Server.Secrets;

/// <summary>
/// A 256-bit AES key that encrypts secret values at rest, named by <see cref="Id"/>: the first 8 hex digits of its
/// SHA-256, recorded with every ciphertext it makes so that the key a value needs is known (and a missing one named)
/// without trying them all. The key itself is never printed.
/// </summary>
internal sealed class MasterKey
{
    public const int Size = 32;

    private readonly byte[] _bytes;

    private MasterKey(byte[] bytes)
    {
        _bytes = bytes;
        Id = IdOf(bytes);
    }

    /// <summary>The first 8 hex digits of the key's SHA-256: shown in messages, stored beside each ciphertext.</summary>
    public string Id { get; }

    internal ReadOnlySpan<byte> Bytes => _bytes;

    public static MasterKey Generate() => new(RandomNumberGenerator.GetBytes(Size));

    /// <summary>A key written as base64 (what <c>openssl rand -base64 32</c> prints); null when it is not 32 bytes of base64.</summary>
    public static MasterKey? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new byte[Size + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == Size ? new MasterKey(buffer[..Size]) : null;
    }

    /// <summary>How many bytes <paramref name="text"/> holds as base64 (for a message that says what is wrong), or -1.</summary>
    public static int DecodedLength(string text)
    {
        var buffer = new byte[Math.Max(4, text.Length)];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) ? written : -1;
    }

    public string ToBase64() => Convert.ToBase64String(_bytes);

    public override string ToString() => $"master key {Id}";

    private static string IdOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..8];
}
