using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Slipway.Oci.Signing;

/// <summary>
/// A public key that verifies image signatures: ECDSA P-256, read from and written as a PEM <c>PUBLIC KEY</c> block
/// (PKIX SubjectPublicKeyInfo) — exactly what <c>cosign.pub</c> holds, so the same file serves
/// <c>cosign verify --key</c> and Slipway. Only P-256 is accepted because that is what <c>cosign generate-key-pair</c>
/// and Slipway make; any other key is refused on import with what it is, not at verification time.
/// Holds only the public key's bytes (an <see cref="ECDsa"/> is made per verification), so it needs no disposal.
/// </summary>
public sealed class VerificationKey
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string NistP256Oid = "1.2.840.10045.3.1.7";

    private readonly byte[] _subjectPublicKeyInfo;

    private VerificationKey(byte[] subjectPublicKeyInfo)
    {
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));
    }

    /// <summary>
    /// The key's fingerprint: the lowercase hex sha256 of its DER SubjectPublicKeyInfo, the same as
    /// <c>openssl pkey -pubin -in cosign.pub -outform DER | sha256sum</c>. Names a key in messages and annotations.
    /// </summary>
    public string KeyId { get; }

    /// <summary>The first 12 hex digits of <see cref="KeyId"/>, enough to tell keys apart in a message.</summary>
    public string ShortKeyId => KeyId[..12];

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public ReadOnlySpan<byte> Der => _subjectPublicKeyInfo;

    /// <summary>The PEM <c>PUBLIC KEY</c> block, what <c>cosign.pub</c> holds.</summary>
    public string Pem => PemEncoding.WriteString("PUBLIC KEY", _subjectPublicKeyInfo) + "\n";

    public static VerificationKey FromPem(string pem) =>
        TryFromPem(pem, out var key, out var error) ? key : throw new FormatException(error);

    /// <summary>Reads a PEM <c>PUBLIC KEY</c>; <paramref name="error"/> says what was found instead of an ECDSA P-256 key.</summary>
    public static bool TryFromPem(string? pem, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(pem) || !PemEncoding.TryFind(pem, out var fields))
        {
            error = "no PEM block found: expected -----BEGIN PUBLIC KEY----- (the content of cosign.pub)";
            return false;
        }

        var label = pem[fields.Label];
        if (label != "PUBLIC KEY")
        {
            error = label.Contains("PRIVATE", StringComparison.Ordinal)
                ? $"this is a private key ({label}): a trusted key is the public key only (PEM PUBLIC KEY, the content of cosign.pub)"
                : $"the PEM block is '{label}': expected PUBLIC KEY (the content of cosign.pub)";
            return false;
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
        }
        catch (FormatException)
        {
            error = "the PUBLIC KEY block is not valid base64";
            return false;
        }

        return TryFromDer(der, out key, out error);
    }

    /// <summary>Reads a DER SubjectPublicKeyInfo.</summary>
    public static bool TryFromDer(ReadOnlySpan<byte> subjectPublicKeyInfo, [NotNullWhen(true)] out VerificationKey? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        string algorithm;
        try
        {
            var parsed = System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length)
            {
                error = "the public key has trailing bytes after its SubjectPublicKeyInfo";
                return false;
            }

            algorithm = parsed.Oid.Value ?? "";
            if (algorithm != EcPublicKeyOid)
            {
                error = $"the public key is {Describe(algorithm)}: Slipway verifies ECDSA P-256 keys (what `slipway keys generate` and `cosign generate-key-pair` make)";
                return false;
            }

            using var ecdsa = parsed.GetECDsaPublicKey();
            var curve = ecdsa?.ExportParameters(false).Curve.Oid;
            if (ecdsa is null || curve?.Value != NistP256Oid)
            {
                error = $"the public key is ECDSA on curve {curve?.FriendlyName ?? curve?.Value ?? "unknown"}: Slipway verifies ECDSA P-256 keys";
                return false;
            }
        }
        catch (CryptographicException e)
        {
            error = $"the public key is not a valid SubjectPublicKeyInfo: {e.Message}";
            return false;
        }

        key = new VerificationKey(subjectPublicKeyInfo.ToArray());
        error = null;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="derSignature"/> (ASN.1 DER, as cosign stores it) is this key's ECDSA signature over the
    /// SHA-256 of <paramref name="payload"/> — what sigstore's <c>ECDSAVerifier.VerifySignature</c> checks.
    /// </summary>
    public bool Verifies(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> derSignature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        try
        {
            return ecdsa.VerifyData(payload, derSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // A signature that is not even a DER sequence verifies nothing.
            return false;
        }
    }

    public bool SameKeyAs(VerificationKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return KeyId == other.KeyId;
    }

    public override string ToString() => $"ECDSA P-256 key {ShortKeyId}";

    private static string Describe(string oid) => oid switch
    {
        "1.2.840.113549.1.1.1" => "RSA",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => $"of algorithm {oid}",
    };
}
