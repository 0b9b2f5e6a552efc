using System.Security.Cryptography;

namespace Slipway.Oci.Signing;

/// <summary>
/// A private key that signs images: ECDSA P-256 over SHA-256, signatures in ASN.1 DER — the key type and signature
/// encoding of <c>cosign generate-key-pair</c> and cosign's key-based signing (sigstore pkg/signature/ecdsa.go), so
/// that <c>cosign verify --key</c> accepts what it signs. The private key leaves this object only as PKCS#8 (DER or
/// PEM <c>PRIVATE KEY</c>), for the server to keep encrypted in its secret vault; <see cref="ToString"/> names the key
/// by its public fingerprint and nothing here ever puts private bytes into a message.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const string NistP256Oid = "1.2.840.10045.3.1.7";

    private readonly ECDsa _ecdsa;

    private SigningKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = VerificationKey.TryFromDer(ecdsa.ExportSubjectPublicKeyInfo(), out var key, out var error)
            ? key
            : throw new InvalidOperationException(error);
    }

    /// <summary>The public half: what to hand out as <c>cosign.pub</c> and to trust in a policy.</summary>
    public VerificationKey PublicKey { get; }

    /// <summary>The fingerprint of the public key (<see cref="VerificationKey.KeyId"/>).</summary>
    public string KeyId => PublicKey.KeyId;

    /// <summary>A new random P-256 key.</summary>
    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Imports a PKCS#8 DER private key (what <see cref="ExportPkcs8"/> wrote).</summary>
    public static SigningKey FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        var ecdsa = ECDsa.Create();
        int read;
        try
        {
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out read);
        }
        catch (CryptographicException)
        {
            ecdsa.Dispose();
            // The exception's own text is not repeated: it could echo key material.
            throw new FormatException("the private key is not an unencrypted PKCS#8 ECDSA key");
        }

        if (read != pkcs8.Length)
        {
            ecdsa.Dispose();
            throw new FormatException("the private key has trailing bytes after its PKCS#8 structure");
        }

        return Checked(ecdsa);
    }

    /// <summary>
    /// Imports a PEM private key: <c>PRIVATE KEY</c> (PKCS#8) or <c>EC PRIVATE KEY</c> (SEC1, what
    /// <c>openssl ecparam -genkey</c> writes). cosign's own <c>cosign.key</c> (<c>ENCRYPTED SIGSTORE PRIVATE KEY</c>, scrypt
    /// and NaCl secretbox) is refused with that said: Slipway keeps keys in its own vault, encrypted there.
    /// </summary>
    public static SigningKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("no PEM block found: expected -----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN EC PRIVATE KEY-----");
        }

        var label = pem[fields.Label].ToString();
        if (label is not ("PRIVATE KEY" or "EC PRIVATE KEY"))
        {
            throw new FormatException(label.Contains("SIGSTORE", StringComparison.Ordinal) || label.Contains("COSIGN", StringComparison.Ordinal)
                ? $"this is a cosign private key ({label}), encrypted with cosign's password scheme: import an unencrypted PKCS#8 ECDSA P-256 key (PEM PRIVATE KEY), or generate one with `slipway keys generate`"
                : $"the PEM block is '{label}': expected PRIVATE KEY (PKCS#8) or EC PRIVATE KEY");
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ecdsa.Dispose();
            throw new FormatException($"the {label} block is not a valid ECDSA private key");
        }

        return Checked(ecdsa);
    }

    /// <summary>The private key as PKCS#8 DER. Secret: store it encrypted, never log it.</summary>
    public byte[] ExportPkcs8() => _ecdsa.ExportPkcs8PrivateKey();

    /// <summary>The private key as PEM <c>PRIVATE KEY</c> (PKCS#8). Secret: store it encrypted, never log it.</summary>
    public string ExportPkcs8Pem() => _ecdsa.ExportPkcs8PrivateKeyPem() + "\n";

    /// <summary>The ECDSA signature over the SHA-256 of <paramref name="payload"/>, ASN.1 DER encoded.</summary>
    public byte[] Sign(ReadOnlySpan<byte> payload) =>
        _ecdsa.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose() => _ecdsa.Dispose();

    public override string ToString() => $"ECDSA P-256 signing key {PublicKey.ShortKeyId}";

    private static SigningKey Checked(ECDsa ecdsa)
    {
        var curve = ecdsa.ExportParameters(false).Curve.Oid;
        if (curve?.Value != NistP256Oid)
        {
            ecdsa.Dispose();
            throw new FormatException($"the private key is ECDSA on curve {curve?.FriendlyName ?? curve?.Value ?? "unknown"}: Slipway signs with ECDSA P-256 keys");
        }

        return new SigningKey(ecdsa);
    }
}
