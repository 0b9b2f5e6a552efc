namespace Slipway.Oci.Signing;

/// <summary>
/// Why an image was refused, for code to act on (the message is for people). Ordered from the least to the most
/// telling: when several signatures fail, the refusal reports the most telling one.
/// </summary>
public enum SignatureRefusal
{
    /// <summary>The requirement trusts no key: nothing could be accepted.</summary>
    NoTrustedKeys,

    /// <summary>No signature exists for the digest (no <c>.sig</c> tag, or it holds none).</summary>
    Unsigned,

    /// <summary>A signature is not a cosign simple-signing signature (bad JSON, bad base64, another type).</summary>
    Malformed,

    /// <summary>No trusted key verifies any signature, and none claims to be by a trusted key.</summary>
    UntrustedKey,

    /// <summary>A signature claims a trusted key but does not verify with it: the payload or signature was altered.</summary>
    Tampered,

    /// <summary>A trusted key signed, but for another repository than this image's.</summary>
    OtherRepository,

    /// <summary>A trusted key signed, but another digest: a signature copied from another image.</summary>
    OtherImage,
}
