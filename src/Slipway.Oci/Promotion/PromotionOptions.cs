namespace Slipway.Oci.Promotion;

/// <summary>What a promotion does beside copying the image by digest.</summary>
public sealed record PromotionOptions
{
    /// <summary>Tags set in the destination once the image (and its attachments) are there, beside the destination reference's own tag.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Whether the image's attachments (<see cref="AttachmentTagSuffixes"/>) go with it.</summary>
    public bool CarryAttachments { get; init; } = true;

    /// <summary>
    /// The tags, after <c>sha256-&lt;hex&gt;</c> of the image's digest, under which tools attach things to an image:
    /// cosign's signature (<c>.sig</c>), attestations (<c>.att</c>) and SBOM (<c>.sbom</c>), and with no suffix the OCI 1.1
    /// referrers tag schema (an index of the image's referrers, for registries without the referrers API).
    /// </summary>
    public IReadOnlyList<string> AttachmentTagSuffixes { get; init; } = [".sig", ".att", ".sbom", ""];
}
