using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Slipway.Oci.Registry;

namespace Slipway.Oci;

/// <summary>
/// A content digest as OCI writes it, <c>sha256:&lt;64 lowercase hex&gt;</c>: the identity of a manifest or blob, which
/// a registry verifies on upload and a promotion keeps. Only sha256 is produced; sha512 is read, as the image spec
/// registers both.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public sealed record Digest
{
    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public string Algorithm { get; }

    public string Hex { get; }

    /// <summary>The sha256 digest of <paramref name="content"/>.</summary>
    public static Digest Sha256(ReadOnlySpan<byte> content) => new("sha256", Convert.ToHexStringLower(SHA256.HashData(content)));

    /// <summary>The sha256 digest of a stream read to its end.</summary>
    public static async Task<Digest> Sha256Async(Stream content, CancellationToken ct) =>
        new("sha256", Convert.ToHexStringLower(await SHA256.HashDataAsync(content, ct).ConfigureAwait(false)));

    public static Digest Parse(string text) =>
        TryParse(text, out var digest) ? digest : throw new FormatException($"'{text}' is not a digest: expected sha256: and 64 lowercase hex digits");

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Digest? digest)
    {
        digest = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon < 0)
        {
            return false;
        }

        var algorithm = text[..colon];
        var hex = text[(colon + 1)..];
        var length = algorithm switch { "sha256" => 64, "sha512" => 128, _ => 0 };
        if (length == 0 || hex.Length != length || !hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return false;
        }

        digest = new Digest(algorithm, hex);
        return true;
    }

    /// <summary>Whether <paramref name="content"/> hashes to this digest (what a registry's answer is checked against).</summary>
    public bool Matches(ReadOnlySpan<byte> content) => Algorithm switch
    {
        "sha256" => Convert.ToHexStringLower(SHA256.HashData(content)) == Hex,
        "sha512" => Convert.ToHexStringLower(SHA512.HashData(content)) == Hex,
        _ => false,
    };

    public override string ToString() => $"{Algorithm}:{Hex}";
}
