namespace Slipway.Oci.Signing;

/// <summary>
/// The outcome of verifying an image: accepted with the key that signed it and the payload it signed, or refused
/// with a <see cref="SignatureRefusal"/> for code and a <see cref="Message"/> that tells a person what is wrong.
/// </summary>
public sealed record SignatureVerification
{
    private SignatureVerification(bool isVerified, TrustedKey? key, SimpleSigningPayload? payload, SignatureRefusal? refusal, string message)
    {
        IsVerified = isVerified;
        Key = key;
        Payload = payload;
        Refusal = refusal;
        Message = message;
    }

    public bool IsVerified { get; }

    /// <summary>The trusted key whose signature was accepted.</summary>
    public TrustedKey? Key { get; }

    /// <summary>The accepted signature's payload (its docker-reference and annotations).</summary>
    public SimpleSigningPayload? Payload { get; }

    public SignatureRefusal? Refusal { get; }

    public string Message { get; }

    public static SignatureVerification Verified(TrustedKey key, SimpleSigningPayload payload) =>
        new(true, key, payload, null, $"signed by {key.Name} ({key.Key.ShortKeyId}) as {payload.DockerReference}");

    public static SignatureVerification Refused(SignatureRefusal refusal, string message) => new(false, null, null, refusal, message);

    public override string ToString() => Message;
}
