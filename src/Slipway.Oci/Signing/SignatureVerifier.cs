namespace Slipway.Oci.Signing;

/// <summary>
/// Decides whether an image carries a signature a requirement accepts, as a pure function of the image's digest and
/// repository, the signatures read from its <c>.sig</c> manifest, and the trusted keys. A signature is accepted when
/// (1) it verifies with a trusted key over its stored payload bytes — ECDSA P-256, SHA-256, DER, as cosign's
/// <c>verifyOCISignature</c> — (2) the payload is a cosign simple-signing payload whose
/// <c>docker-manifest-digest</c> is this image's digest (cosign's <c>SimpleClaimVerifier</c>), and (3) its
/// <c>docker-reference</c> names this repository (see <see cref="IdentityCheck"/>; cosign skips this step).
/// One accepted signature is enough, as for <c>cosign verify</c>; others may be by anyone.
/// Followed: cosign pkg/cosign/verify.go (<c>verifySignatures</c>, <c>verifyInternal</c>, <c>verifyOCISignature</c>),
/// pkg/cosign/verifiers.go.
/// </summary>
public static class SignatureVerifier
{
    /// <summary>
    /// Verifies <paramref name="image"/> (with its digest) against <paramref name="signatures"/> (empty when the
    /// <c>.sig</c> tag does not exist) under <paramref name="requirement"/>.
    /// </summary>
    public static SignatureVerification Verify(ImageReference image, IReadOnlyList<ImageSignature> signatures, SignatureRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(signatures);
        ArgumentNullException.ThrowIfNull(requirement);
        var digest = image.Digest ?? throw new ArgumentException($"'{image}' names no digest: an image is verified by its manifest digest", nameof(image));

        if (requirement.TrustedKeys.Count == 0)
        {
            return SignatureVerification.Refused(SignatureRefusal.NoTrustedKeys,
                $"{requirement.RequiredBy} requires signed images but trusts no key: name the keys it trusts");
        }

        if (signatures.Count == 0)
        {
            return SignatureVerification.Refused(SignatureRefusal.Unsigned, $"unsigned: no signature for {digest} in {image.Name}");
        }

        SignatureVerification? closest = null;
        foreach (var signature in signatures)
        {
            var outcome = Check(image, digest, signature, requirement);
            if (outcome.IsVerified)
            {
                return outcome;
            }

            if (closest is null || outcome.Refusal > closest.Refusal)
            {
                closest = outcome;
            }
        }

        return closest!;
    }

    private static SignatureVerification Check(ImageReference image, Digest digest, ImageSignature signature, SignatureRequirement requirement)
    {
        if (signature.DerSignature() is not { } der)
        {
            return SignatureVerification.Refused(SignatureRefusal.Malformed,
                $"the signature for {digest} in {image.Name} is not a cosign image signature: its {ImageSignature.SignatureAnnotation} annotation is not base64");
        }

        var signer = requirement.TrustedKeys.FirstOrDefault(key => key.Key.Verifies(signature.Payload, der));
        if (signer is null)
        {
            var claimed = signature.KeyId is null ? null : requirement.TrustedKeys.FirstOrDefault(key => key.Key.KeyId == signature.KeyId);
            if (claimed is not null)
            {
                return SignatureVerification.Refused(SignatureRefusal.Tampered,
                    $"the signature does not match its payload (tampered): it names {claimed} as its signer, and that key's signature does not verify over the stored payload");
            }

            var hint = signature.KeyId is null ? "" : $"; the signature names key {signature.KeyId[..Math.Min(12, signature.KeyId.Length)]}";
            return SignatureVerification.Refused(SignatureRefusal.UntrustedKey,
                $"signed, but by none of the trusted keys ({requirement.RequiredBy} requires: {requirement.TrustedKeyNames}{hint})");
        }

        if (!SimpleSigningPayload.TryParse(signature.Payload, out var payload, out var error))
        {
            // Verified bytes that are not a cosign payload: signed, but not an image signature (a blob signature, say).
            return SignatureVerification.Refused(SignatureRefusal.Malformed,
                $"the signature by {signer} for {digest} in {image.Name} is not a cosign image signature: {error}");
        }

        if (payload.ManifestDigest != digest)
        {
            return SignatureVerification.Refused(SignatureRefusal.OtherImage,
                $"the payload signs {payload.ManifestDigest}, not this image {digest} (signed by {signer} as {payload.DockerReference}): a signature of another image");
        }

        if (requirement.Identity == IdentityCheck.MatchRepository && !NamesRepository(payload.DockerReference, image, requirement))
        {
            var accepted = string.Join(", ", new[] { image.Name }.Concat(requirement.AcceptedRepositories));
            return SignatureVerification.Refused(SignatureRefusal.OtherRepository,
                $"the payload signs {digest} as {payload.DockerReference}, not as this repository (accepted: {accepted}; signed by {signer})");
        }

        return SignatureVerification.Verified(signer, payload);
    }

    /// <summary>
    /// Whether a docker-reference names the image's repository or an accepted one, tag and digest ignored, with
    /// go-containerregistry's <c>index.docker.io</c> read as <c>docker.io</c> (containers/image's matchRepository).
    /// </summary>
    private static bool NamesRepository(string dockerReference, ImageReference image, SignatureRequirement requirement)
    {
        if (!TryRepository(dockerReference, out var signed))
        {
            return false;
        }

        return new[] { image.Name }.Concat(requirement.AcceptedRepositories)
            .Any(accepted => TryRepository(accepted, out var name) && name == signed);
    }

    private static bool TryRepository(string text, out string name)
    {
        name = "";
        if (text.StartsWith("index.docker.io/", StringComparison.Ordinal))
        {
            text = ImageReference.DockerHub + text["index.docker.io".Length..];
        }

        if (!ImageReference.TryParse(text, out var reference, out _))
        {
            return false;
        }

        name = reference.Name;
        return true;
    }
}
