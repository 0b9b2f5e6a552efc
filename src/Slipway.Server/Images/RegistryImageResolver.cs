using System.Net;
using Slipway.Oci;
using Slipway.Oci.Registry;

namespace Slipway.Server.Images;

/// <summary>
/// Pins image artifacts against their registries, through the server's one <see cref="RegistryClient"/> (its logins,
/// insecure registries and CAs): a tag becomes the digest it names now, a digest is checked to be there. When it cannot,
/// the problem says what to do about it, since it is shown at <c>spec.artifact.image</c> of the file applied: the tags
/// the repository does have when the tag is unknown, that the repository itself is unknown, how to log in when the
/// registry wants a login, how to allow plain http (the client's own message names the server flag).
/// </summary>
internal sealed class RegistryImageResolver(RegistryClient client) : IImageResolver
{
    /// <summary>How many of a repository's tags a message lists.</summary>
    private const int TagsShown = 10;

    public async Task<ImageResolution> ResolveAsync(ImageReference reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        try
        {
            return ImageResolution.Found(await client.ResolveAsync(reference, ct));
        }
        catch (RegistryException e) when (e.IsNotFound)
        {
            return ImageResolution.Failed(await NotFoundAsync(reference, ct));
        }
        catch (RegistryException e)
        {
            return ImageResolution.Failed(Explain(e));
        }
    }

    /// <summary>The registry's own message, with how to log in added when the registry refused the request for want of one.</summary>
    internal static string Explain(RegistryException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? $"{failure.Message} (store the login the server uses with `slipway registry login {failure.Registry} --username USER --password-stdin`)"
            : failure.Message;
    }

    /// <summary>Why a reference found nothing: the repository is unknown, or it is and lacks that tag or digest (with the tags it has).</summary>
    private async Task<string> NotFoundAsync(ImageReference reference, CancellationToken ct)
    {
        var where = $"{reference.Registry}/{reference.Repository}";
        if (reference.Digest is { } digest)
        {
            return $"there is no image {digest} in {where}: was it pushed to another repository, or deleted?";
        }

        IReadOnlyList<string> tags;
        try
        {
            // The client reads a repository the registry does not know (NAME_UNKNOWN) as one without tags.
            tags = await client.ListTagsAsync(reference, ct);
        }
        catch (RegistryException)
        {
            return $"there is no tag {reference.Tag ?? "latest"} in {where}";
        }

        // Attachments (signatures, SBOMs: sha256-<hex>.sig) are tags too, but no one means to run them.
        var images = tags.Where(t => !t.StartsWith("sha256-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var listed = tags.Count == 0
            ? $": there is no repository {reference.Repository} in registry {reference.Registry}, or it has no tags; push the image there first, or check the name"
            : images.Count == 0 ? "; it has no image tags, only attachments (signatures, SBOMs)"
            : $"; its tags: {string.Join(", ", images.Take(TagsShown))}{(images.Count > TagsShown ? $" (and {images.Count - TagsShown} more)" : "")}";
        return $"there is no tag {reference.Tag ?? "latest"} in {where}{listed}";
    }
}
