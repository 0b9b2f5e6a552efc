using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Oci.Signing;
using Slipway.Store;

namespace Slipway.Server.Images;

/// <summary>
/// Signs images with the server's keys and verifies their signatures, in cosign's key-based format, through the
/// server's registry client: <c>slipway image sign</c> and <c>slipway image verify</c>, and the check the server makes
/// before an image runs in an environment whose image policy requires signatures, and at promotion.
/// </summary>
/// <remarks>
/// Signing follows docs/signing.md: the signature image under <c>sha256-&lt;hex&gt;.sig</c> in the image's own repository
/// is read (none yet: an empty one), the new signature appended (nothing when the same key signed already), its blobs
/// pushed, then its manifest put under the tag. Who signed what, with which key and when, is added to the image's
/// record in the store (<c>details.signatures</c>).
/// Verification accepts a signature that names the image's own repository, one the caller accepts, or one the image
/// was promoted from by digest as the store's promotions record it, transitively (dev → staging → prod: a prod image
/// signed in dev verifies in prod), since a promotion carries the <c>.sig</c> tag and the payload keeps naming the
/// repository it was signed in.
/// </remarks>
internal sealed partial class ImageSignatures(RegistryClient registry, SigningKeys keys, IStore store, TimeProvider time, ILogger<ImageSignatures> logger)
{
    /// <summary>Who a refusal names as requiring signatures when the caller does not say (<c>slipway image verify</c>).</summary>
    public const string DefaultRequiredBy = "the check";

    /// <summary>The most promotions of one digest followed to find the repositories it came from.</summary>
    private const int MaxPromotions = 1000;

    /// <summary>Origin of an image record first made by signing (the store's other origins: build, promotion, apply).</summary>
    private const string SigningOrigin = "signing";

    /// <summary>
    /// Signs <paramref name="reference"/> (a tag is resolved to its digest first) with the key <paramref name="keyName"/>,
    /// stores the signature beside it, and records it. A problem says why not: no such key, a key that only verifies,
    /// the registry (down, no such image, a login refused).
    /// </summary>
    public async Task<(SignedImage? Signed, ImageProblem? Problem)> SignAsync(
        ImageReference reference, string keyName, IReadOnlyDictionary<string, string>? annotations, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var record = await keys.GetAsync(keyName, ct);
        if (record is null)
        {
            return (null, await UnknownKeysAsync([keyName], ct));
        }

        var (key, refused) = keys.Open(record);
        if (key is null)
        {
            return (null, refused);
        }

        using (key)
        {
            try
            {
                var digest = await registry.ResolveAsync(reference, ct);
                var image = reference.WithDigest(digest);
                var signatureImage = new ImageReference(image.Registry, image.Repository, SignatureManifest.TagFor(digest), null);
                var (current, unreadable) = await ReadSignatureManifestAsync(signatureImage, ct);
                if (current is null)
                {
                    return (null, ImageProblem.Conflict($"{unreadable}: Slipway does not replace it; delete that tag if it is not needed"));
                }

                var change = current.Add(ImageSignature.Sign(image, key, annotations), key.PublicKey);
                if (change.Added)
                {
                    foreach (var blob in change.BlobsToPush)
                    {
                        await registry.PushBlobAsync(signatureImage, blob.MediaType, blob.Content, ct);
                    }

                    await registry.PutManifestAsync(signatureImage, Manifest.FromBytes(change.Manifest.Bytes, change.Manifest.MediaType, change.Manifest.Digest), ct);
                }

                var signed = new SignedImage(
                    image.ToString(), digest.ToString(), record.Name, record.KeyId, signatureImage.ToString(), change.Added, change.Manifest.Layers.Count, time.GetUtcNow(), actor);
                await RecordAsync(image, signed, ct);
                Log.Signed(logger, image.ToString(), record.Name, key.PublicKey.ShortKeyId, change.Added, actor);
                return (signed, null);
            }
            catch (RegistryException e)
            {
                return (null, ImageProblem.Registry(RegistryImageResolver.Explain(e)));
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="pinned"/> (by digest) carries a signature by one of the keys named (every key the server
    /// holds when none is), for its own repository, one of <paramref name="acceptedRepositories"/>, or one it was
    /// promoted from. A key name the server does not hold refuses it (<see cref="SignatureRefusal.NoTrustedKeys"/>): a
    /// policy asking for a key that is gone must not pass on the others.
    /// </summary>
    /// <exception cref="RegistryException">The signature image could not be read (registry down, login refused): nothing can be said.</exception>
    public Task<SignatureVerification> VerifyAsync(ImageReference pinned, IReadOnlyList<string> keyNames, IReadOnlyList<string> acceptedRepositories, CancellationToken ct) =>
        VerifyAsync(pinned, keyNames, acceptedRepositories, DefaultRequiredBy, ct);

    /// <param name="requiredBy">Who asks, as a refusal names it: an environment (<c>prod</c>).</param>
    public async Task<SignatureVerification> VerifyAsync(
        ImageReference pinned, IReadOnlyList<string> keyNames, IReadOnlyList<string> acceptedRepositories, string requiredBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        ArgumentNullException.ThrowIfNull(keyNames);
        ArgumentNullException.ThrowIfNull(acceptedRepositories);
        var digest = pinned.Digest ?? throw new ArgumentException($"'{pinned}' names no digest: an image is verified by its digest", nameof(pinned));
        var (trusted, unknown) = await keys.TrustedAsync(keyNames, ct);
        if (unknown.Count > 0)
        {
            return SignatureVerification.Refused(SignatureRefusal.NoTrustedKeys, $"{requiredBy} requires signatures by {string.Join(", ", keyNames)}, but " + (await UnknownKeysAsync(unknown, ct)).Message);
        }

        var accepted = acceptedRepositories.Concat(await PromotedFromAsync(pinned, digest, ct)).Distinct(StringComparer.Ordinal).ToList();
        var signatureImage = new ImageReference(pinned.Registry, pinned.Repository, SignatureManifest.TagFor(digest), null);
        var (manifest, unreadable) = await ReadSignatureManifestAsync(signatureImage, ct);
        if (manifest is null)
        {
            return SignatureVerification.Refused(SignatureRefusal.Malformed, $"the signature for {digest} in {pinned.Name} is not a cosign image signature: {unreadable}");
        }

        var signatures = new List<ImageSignature>();
        string? broken = null;
        foreach (var layer in manifest.Layers.Where(l => l.IsSignature))
        {
            var payload = await registry.GetBlobAsync(signatureImage, layer.Digest, (int)SignatureLayer.MaxPayloadSize, ct);
            try
            {
                signatures.Add(layer.ToSignature(payload));
            }
            catch (FormatException e)
            {
                broken ??= e.Message;
            }
        }

        if (signatures.Count == 0 && broken is not null)
        {
            return SignatureVerification.Refused(SignatureRefusal.Malformed, $"the signature for {digest} in {pinned.Name} is not a cosign image signature: {broken}");
        }

        var requirement = new SignatureRequirement(requiredBy, trusted) { AcceptedRepositories = accepted };
        var verification = SignatureVerifier.Verify(pinned, signatures, requirement);
        Log.Verified(logger, pinned.ToString(), verification.IsVerified, verification.Message);
        return verification;
    }

    /// <summary>The problem naming keys the server does not hold, with those it does.</summary>
    private async Task<ImageProblem> UnknownKeysAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        var held = (await keys.ListAsync(ct)).Select(k => k.Name).ToList();
        var known = held.Count == 0 ? "it has none yet: `slipway keys generate NAME`" : "it has " + string.Join(", ", held);
        return ImageProblem.NotFound($"there is no signing key {string.Join(", ", names)} on this server ({known})");
    }

    /// <summary>
    /// The signature image under its tag: empty when there is none, null with why when the tag holds something else
    /// (a manifest that is not a cosign signature image).
    /// </summary>
    private async Task<(SignatureManifest? Manifest, string? Problem)> ReadSignatureManifestAsync(ImageReference signatureImage, CancellationToken ct)
    {
        Manifest stored;
        try
        {
            stored = await registry.GetManifestAsync(signatureImage, ct);
        }
        catch (RegistryException e) when (e.IsNotFound)
        {
            return (SignatureManifest.Empty, null);
        }

        return SignatureManifest.TryParse(stored.Bytes.Span, out var parsed, out var error)
            ? (parsed, null)
            : (null, $"the tag {signatureImage.Tag} in {signatureImage.Name} holds a manifest that is not a cosign signature image ({error})");
    }

    /// <summary>
    /// The repositories <paramref name="pinned"/> came from by promotion of this digest, following the chain back (a
    /// promotion into one of them from another, and so on), as the store records them.
    /// </summary>
    private async Task<IReadOnlyList<string>> PromotedFromAsync(ImageReference pinned, Digest digest, CancellationToken ct)
    {
        var text = digest.ToString();
        var promotions = (await store.ListPromotionsAsync(text, MaxPromotions, ct))
            .Where(p => p.SourceDigest == text && p.DestinationDigest == text)
            .Select(p => (Source: RepositoryOf(p.Source), Destination: RepositoryOf(p.Destination)))
            .Where(p => p.Source is not null && p.Destination is not null)
            .ToList();
        var reached = new HashSet<string>(StringComparer.Ordinal) { pinned.Name };
        var found = new List<string>();
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (source, destination) in promotions)
            {
                if (reached.Contains(destination!) && reached.Add(source!))
                {
                    found.Add(source!);
                    grew = true;
                }
            }
        }

        return found;
    }

    private static string? RepositoryOf(string reference) => ImageReference.TryParse(reference, out var parsed, out _) ? parsed.Name : null;

    /// <summary>Adds the signature to the image's record (made when the store has none), keeping what else its details hold.</summary>
    private async Task RecordAsync(ImageReference image, SignedImage signed, CancellationToken ct)
    {
        var existing = (await store.ListImagesAsync(signed.Digest, ct)).FirstOrDefault(i => i.Name == image.Name);
        var details = ParseObject(existing?.Details);
        if (details["signatures"] is not JsonArray signatures)
        {
            signatures = [];
            details["signatures"] = signatures;
        }

        if (signed.Added || !signatures.OfType<JsonObject>().Any(s => s["keyId"]?.GetValue<string>() == signed.KeyId))
        {
            signatures.Add(new JsonObject
            {
                ["key"] = signed.Key,
                ["keyId"] = signed.KeyId,
                ["signatureImage"] = signed.SignatureImage,
                ["signedAt"] = signed.SignedAt.ToString("O"),
                ["signedBy"] = signed.SignedBy,
            });
        }

        var tags = image.Tag is { } tag ? new[] { tag } : [];
        await store.SaveImageAsync(
            existing is null
                ? new ImageRecord(image.Name, signed.Digest, tags, SigningOrigin, signed.SignedAt, signed.SignedBy, details.ToJsonString())
                : existing with { Tags = tags, Details = details.ToJsonString() },
            null,
            ct);
    }

    private static JsonObject ParseObject(string? json)
    {
        try
        {
            return json is not null && JsonNode.Parse(json) is JsonObject parsed ? parsed : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Image {Image} signed with key {Key} ({KeyId}) by {Actor} (new signature: {Added})")]
        public static partial void Signed(ILogger logger, string image, string key, string keyId, bool added, string actor);

        [LoggerMessage(2, LogLevel.Information, "Image {Image}: signature verified {Verified}: {Message}")]
        public static partial void Verified(ILogger logger, string image, bool verified, string message);
    }
}
