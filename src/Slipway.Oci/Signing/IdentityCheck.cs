namespace Slipway.Oci.Signing;

/// <summary>
/// What a signature's <c>critical.identity.docker-reference</c> must say. cosign ignores it — its specification says
/// "the critical.identity.docker-reference field is ignored" (specs/SIGNATURE_SPEC.md) and <c>cosign verify</c> checks
/// only the digest (pkg/cosign/verifiers.go, <c>SimpleClaimVerifier</c>) — although sigstore's payload.go warns that
/// "almost all consumers must verify" the claimed identity, and containers/image (podman, skopeo) checks the
/// repository by default.
/// Slipway checks it, because a digest alone lets a signature made for one repository vouch for the same bytes pushed
/// to another (a test image signed for <c>dev/web</c> would pass for <c>prod/web</c>).
/// </summary>
public enum IdentityCheck
{
    /// <summary>The signed repository (tag ignored) is the image's own, or one of the requirement's accepted repositories.</summary>
    MatchRepository,

    /// <summary>Only the digest is checked, as <c>cosign verify</c> does.</summary>
    DigestOnly,
}
