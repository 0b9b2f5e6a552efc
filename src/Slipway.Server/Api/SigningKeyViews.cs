using Slipway.Server.Images;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>POST /api/v1/keys</c>: a key to generate (<c>name</c> only), or a public key to trust for
/// verification (<c>publicKey</c>, PEM). An unknown field is refused: a private key cannot be sent.
/// </summary>
public sealed record SigningKeyRequest(string? Name = null, string? PublicKey = null, string? Actor = null);

/// <summary>
/// A signing key as the API shows it (<c>slipway keys list</c>, <c>keys export</c>): its public half only. There is no
/// field for the private key: it never leaves the server.
/// </summary>
/// <param name="KeyId">sha256 of the DER public key, 64 hex digits (what <c>openssl pkey -pubin -outform DER | sha256sum</c> prints).</param>
/// <param name="CanSign">Whether the server holds the private key (generated here), or the key only verifies (imported).</param>
/// <param name="PublicKey">The PEM <c>PUBLIC KEY</c>, what <c>cosign.pub</c> holds.</param>
public sealed record SigningKeyView(string Name, string KeyId, bool CanSign, string PublicKey, DateTimeOffset CreatedAt, string CreatedBy)
{
    internal static SigningKeyView Of(SigningKeyRecord key) => new(key.Name, key.KeyId, key.PrivateKey is not null, key.PublicKeyPem, key.CreatedAt, key.CreatedBy);
}

/// <summary>The answer of <c>POST /api/v1/keys</c>: the key made or imported, and what was done.</summary>
public sealed record SigningKeyAnswer(SigningKeyView Key, string Message);

/// <summary>The JSON body of <c>POST /api/v1/images/sign</c>: the image (tag or digest), the key, annotations signed with it (cosign's <c>-a</c>).</summary>
public sealed record ImageSignRequest(string? Image = null, string? Key = null, IReadOnlyDictionary<string, string>? Annotations = null, string? Actor = null);

/// <summary>The answer of <c>POST /api/v1/images/sign</c>.</summary>
public sealed record ImageSignAnswer(SignedImage Signed, string Message);

/// <summary>
/// The JSON body of <c>POST /api/v1/images/verify</c>: the image (a tag is resolved to its digest first), the keys to
/// trust (every key of the server when none), repositories a signature may name besides the image's own and those it
/// was promoted from.
/// </summary>
public sealed record ImageVerifyRequest(string? Image = null, IReadOnlyList<string>? Keys = null, IReadOnlyList<string>? AcceptedRepositories = null);

/// <summary>
/// The answer of <c>POST /api/v1/images/verify</c> (200 whether verified or refused: a refusal is an answer, not an
/// error): the image by digest, and the key whose signature was accepted or why none was.
/// </summary>
/// <param name="SignedAs">The repository the accepted signature names (its payload's docker-reference).</param>
/// <param name="Refusal">Why it was refused, for scripts: <c>Unsigned</c>, <c>UntrustedKey</c>, <c>Tampered</c>, <c>OtherImage</c>, <c>OtherRepository</c>, <c>Malformed</c>, <c>NoTrustedKeys</c>.</param>
public sealed record ImageVerifyAnswer(string Image, string Digest, bool Verified, string? Key, string? KeyId, string? SignedAs, string? Refusal, string Message);
