using System.Net;
using System.Net.Http.Headers;

namespace Slipway.Oci.Registry;

/// <summary>
/// A client of the OCI distribution API (<c>/v2/</c>) for any number of registries: manifests by tag or digest, tags,
/// blobs (existence, download, monolithic and chunked upload, cross-repository mount). Every manifest and blob read
/// is checked against its digest; every failure is a <see cref="RegistryException"/> naming the registry, the
/// repository and the operation. One instance is meant to live long: it keeps connections and tokens.
/// </summary>
/// <remarks>
/// Repositories are named by <see cref="ImageReference"/>s; blob and tag operations use only their registry and
/// repository. Transport and authentication: <see cref="RegistryClientOptions"/>, <see cref="IRegistryCredentials"/>.
/// </remarks>
public sealed class RegistryClient : IDisposable
{
    private const string OctetStream = "application/octet-stream";
    private const int MaxTagPages = 1000;

    private readonly RegistryTransport transport;

    public RegistryClient(RegistryClientOptions? options = null, IRegistryCredentials? credentials = null, TimeProvider? time = null)
        : this(options, credentials, time, null)
    {
    }

    /// <param name="wrap">Wraps the HTTP handler; tests use it to see the requests sent.</param>
    internal RegistryClient(RegistryClientOptions? options, IRegistryCredentials? credentials, TimeProvider? time, Func<HttpMessageHandler, HttpMessageHandler>? wrap)
    {
        Options = options ?? new RegistryClientOptions();
        if (Options.ChunkSize is <= 0)
        {
            throw new ArgumentException($"the chunk size must be positive, not {Options.ChunkSize}", nameof(options));
        }

        transport = new RegistryTransport(Options, credentials ?? new AnonymousRegistryCredentials(), time ?? TimeProvider.System, wrap);
    }

    public RegistryClientOptions Options { get; }

    /// <summary>
    /// The manifest <paramref name="reference"/> names (its digest if it has one, else its tag), checked against that
    /// digest, or against the <c>Docker-Content-Digest</c> the registry answers for a tag.
    /// </summary>
    public async Task<Manifest> GetManifestAsync(ImageReference reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var request = ManifestRequest(reference, HttpMethod.Get, $"fetch manifest {reference.ManifestReference}");
        using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw await RegistryAnswer.StatedFailureAsync(request, response, $"there is no manifest {reference.ManifestReference} in {reference.Repository}", ct).ConfigureAwait(false);
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await RegistryAnswer.FailureAsync(request, response, ct).ConfigureAwait(false);
        }

        if (response.Content.Headers.ContentLength > Manifest.MaxBytes)
        {
            throw request.Failure($"the manifest is {response.Content.Headers.ContentLength} bytes, more than the {Manifest.MaxBytes} a manifest may have");
        }

        var bytes = await ReadBoundedAsync(response.Content, Manifest.MaxBytes, ct).ConfigureAwait(false)
            ?? throw request.Failure($"the manifest is more than the {Manifest.MaxBytes} bytes a manifest may have");
        var announced = DigestHeader(response);
        if (reference.Digest is { } asked && !asked.Matches(bytes))
        {
            throw request.Failure($"the manifest the registry sent does not hash to {asked}: the registry's content is corrupt or not what was asked for");
        }

        if (reference.Digest is null && announced is not null && !announced.Matches(bytes))
        {
            throw request.Failure($"the manifest the registry sent does not hash to the digest it announced (Docker-Content-Digest {announced})");
        }

        try
        {
            return Manifest.FromBytes(bytes, response.Content.Headers.ContentType?.MediaType, reference.Digest ?? announced);
        }
        catch (FormatException e)
        {
            throw request.Failure(e.Message, inner: e);
        }
    }

    /// <summary>What <paramref name="reference"/> points at (media type, digest, size), by a HEAD request; null when there is no such manifest.</summary>
    public async Task<Descriptor?> HeadManifestAsync(ImageReference reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var request = ManifestRequest(reference, HttpMethod.Head, $"look up manifest {reference.ManifestReference}");
        using (var response = await transport.SendAsync(request, ct).ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await RegistryAnswer.FailureAsync(request, response, ct).ConfigureAwait(false);
            }

            var digest = reference.Digest ?? DigestHeader(response);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (digest is not null && mediaType is not null && MediaTypes.IsManifest(mediaType) && response.Content.Headers.ContentLength is { } size)
            {
                return new Descriptor(mediaType, digest, size);
            }
        }

        // A registry that does not say the digest or the type on HEAD: the manifest itself tells.
        return (await GetManifestAsync(reference, ct).ConfigureAwait(false)).Descriptor;
    }

    /// <summary>The digest <paramref name="reference"/> names now (a tag resolved; a digest checked to exist).</summary>
    public async Task<Digest> ResolveAsync(ImageReference reference, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return (await HeadManifestAsync(reference, ct).ConfigureAwait(false))?.Digest
            ?? throw new RegistryException(reference.Registry, reference.Repository, $"resolve {reference.ManifestReference}",
                $"there is no manifest {reference.ManifestReference} in {reference.Repository}", HttpStatusCode.NotFound);
    }

    /// <summary>
    /// Pushes <paramref name="manifest"/>'s exact bytes to <paramref name="target"/>'s repository, under its tag when it
    /// has one, else by digest; returns the digest the registry stored it under, which is the manifest's.
    /// The blobs (or, for an index, the manifests) it points at must be there first.
    /// </summary>
    public async Task<Digest> PutManifestAsync(ImageReference target, Manifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(manifest);
        if (target.Digest is { } named && named != manifest.Digest)
        {
            throw new ArgumentException($"{target} names digest {named}, but the manifest's digest is {manifest.Digest}", nameof(target));
        }

        var reference = target.Tag ?? manifest.Digest.ToString();
        var request = new RegistryRequest(target.Registry, target.Repository, $"push manifest {reference}", HttpMethod.Put,
            Api(target, $"manifests/{reference}"), [RegistryScope.Push(target.Repository)])
        {
            Content = () =>
            {
                var content = new ReadOnlyMemoryContent(manifest.Bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
                return content;
            },
        };
        using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
        {
            var hint = response.StatusCode == HttpStatusCode.BadRequest
                ? "a manifest is refused when a blob or manifest it points at is not in the repository yet (MANIFEST_BLOB_UNKNOWN) or it is not valid"
                : null;
            throw await RegistryAnswer.FailureAsync(request, response, ct, hint).ConfigureAwait(false);
        }

        if (DigestHeader(response) is { } stored && stored.Algorithm == manifest.Digest.Algorithm && stored != manifest.Digest)
        {
            throw request.Failure($"the registry stored the manifest as {stored}, not as its digest {manifest.Digest}: it changed the bytes");
        }

        return manifest.Digest;
    }

    /// <summary>Deletes the manifest <paramref name="digest"/> from <paramref name="repository"/> (the registry must allow deletes); its tags go with it.</summary>
    public async Task DeleteManifestAsync(ImageReference repository, Digest digest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        var request = new RegistryRequest(repository.Registry, repository.Repository, $"delete manifest {digest}", HttpMethod.Delete,
            Api(repository, $"manifests/{digest}"), [RegistryScope.Delete(repository.Repository)]);
        using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK or HttpStatusCode.NoContent))
        {
            var hint = response.StatusCode == HttpStatusCode.MethodNotAllowed ? "the registry does not allow deletes (distribution: storage.delete.enabled)" : null;
            throw await RegistryAnswer.FailureAsync(request, response, ct, hint).ConfigureAwait(false);
        }
    }

    /// <summary>Every tag of <paramref name="repository"/>, following the registry's pages (<c>Link: rel="next"</c>); empty for a repository that does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference repository, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var tags = new List<string>();
        Uri? next = Api(repository, "tags/list?n=1000");
        for (var page = 0; next is not null && page < MaxTagPages; page++)
        {
            var request = new RegistryRequest(repository.Registry, repository.Repository, "list tags", HttpMethod.Get, next, [RegistryScope.Pull(repository.Repository)]);
            using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return tags;
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await RegistryAnswer.FailureAsync(request, response, ct).ConfigureAwait(false);
            }

            var list = await System.Text.Json.JsonSerializer.DeserializeAsync<TagList>(
                await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), ManifestJson.Options, ct).ConfigureAwait(false);
            tags.AddRange(list?.Tags ?? []);
            next = NextPage(response, next);
        }

        return tags;
    }

    /// <summary>Whether <paramref name="repository"/> holds blob <paramref name="digest"/> (HEAD): what lets a copy skip it.</summary>
    public async Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        var request = new RegistryRequest(repository.Registry, repository.Repository, $"look up blob {digest}", HttpMethod.Head,
            Api(repository, $"blobs/{digest}"), [RegistryScope.Pull(repository.Repository)]);
        using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw await RegistryAnswer.FailureAsync(request, response, ct).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// Blob <paramref name="digest"/> of <paramref name="repository"/> as a stream, read from the registry as it is
    /// consumed and verified against the digest (and <paramref name="size"/> when given) as it ends: a read fails
    /// rather than end on content that does not match. Dispose it.
    /// </summary>
    public async Task<Stream> OpenBlobAsync(ImageReference repository, Digest digest, long? size, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        var request = new RegistryRequest(repository.Registry, repository.Repository, $"fetch blob {digest}", HttpMethod.Get,
            Api(repository, $"blobs/{digest}"), [RegistryScope.Pull(repository.Repository)]);
        var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        try
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw response.StatusCode == HttpStatusCode.NotFound
                    ? await RegistryAnswer.StatedFailureAsync(request, response, $"there is no blob {digest} in {repository.Repository}", ct).ConfigureAwait(false)
                    : await RegistryAnswer.FailureAsync(request, response, ct).ConfigureAwait(false);
            }

            if (size is { } expected && response.Content.Headers.ContentLength is { } length && length != expected)
            {
                throw request.Failure($"the registry announces {length} bytes for a blob of {expected}");
            }

            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new VerifyingStream(stream, response, digest, size, problem => request.Failure(problem));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A small blob (a config, a signature's payload) read whole and verified; refused when longer than <paramref name="maxBytes"/>.</summary>
    public async Task<byte[]> GetBlobAsync(ImageReference repository, Digest digest, int maxBytes, CancellationToken ct)
    {
        await using var stream = await OpenBlobAsync(repository, digest, null, ct).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new RegistryException(repository.Registry, repository.Repository, $"fetch blob {digest}", $"the blob is larger than the {maxBytes} bytes expected of it");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Pushes <paramref name="content"/> as a blob unless the repository has it; returns its descriptor. For configs and small artifacts.</summary>
    public async Task<Descriptor> PushBlobAsync(ImageReference repository, string mediaType, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var descriptor = Descriptor.Of(mediaType, content.Span);
        if (!await BlobExistsAsync(repository, descriptor.Digest, ct).ConfigureAwait(false))
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            await PushBlobAsync(repository, descriptor.Digest, descriptor.Size, stream, ct).ConfigureAwait(false);
        }

        return descriptor;
    }

    /// <summary>
    /// Uploads <paramref name="size"/> bytes of <paramref name="content"/> as blob <paramref name="digest"/>: in one PUT,
    /// streamed, or in chunks of <see cref="RegistryClientOptions.ChunkSize"/> when larger. The registry verifies the
    /// digest. Returns the bytes sent. The stream is read once from where it is, and left open.
    /// </summary>
    public async Task<long> PushBlobAsync(ImageReference repository, Digest digest, long size, Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(content);
        var start = await StartUploadAsync(repository, digest, null, ct).ConfigureAwait(false);
        return await UploadAsync(repository, start.Session!, digest, size, content, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the registry to mount blob <paramref name="digest"/> of <paramref name="fromRepository"/> (same registry)
    /// into <paramref name="repository"/>, without sending it: true when it did; false when it would not (the blob is
    /// not there, or the login cannot read it), and the caller uploads instead.
    /// </summary>
    public async Task<bool> MountBlobAsync(ImageReference repository, Digest digest, string fromRepository, CancellationToken ct)
    {
        var start = await StartUploadAsync(repository, digest, fromRepository, ct).ConfigureAwait(false);
        if (start.Session is { } session)
        {
            await CancelUploadAsync(repository, session, ct).ConfigureAwait(false);
        }

        return start.Mounted;
    }

    /// <summary>
    /// Opens an upload (<c>POST …/blobs/uploads/</c>), as a mount of <paramref name="digest"/> from
    /// <paramref name="mountFrom"/> when it is given: 201 is a mount done, 202 an upload session to send the blob to.
    /// </summary>
    internal async Task<UploadStart> StartUploadAsync(ImageReference repository, Digest digest, string? mountFrom, CancellationToken ct)
    {
        var mount = mountFrom is null ? "" : $"?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(mountFrom)}";
        var scopes = mountFrom is null
            ? new[] { RegistryScope.Push(repository.Repository) }
            : [RegistryScope.Push(repository.Repository), RegistryScope.Pull(mountFrom)];
        var request = new RegistryRequest(repository.Registry, repository.Repository,
            mountFrom is null ? $"start the upload of blob {digest}" : $"mount blob {digest} from {mountFrom}", HttpMethod.Post,
            Api(repository, "blobs/uploads/" + mount), scopes)
        {
            Content = () => new ByteArrayContent([]),
        };
        using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        if (mountFrom is not null && response.StatusCode == HttpStatusCode.Created)
        {
            return new UploadStart(true, null);
        }

        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await RegistryAnswer.FailureAsync(request, response, ct).ConfigureAwait(false);
        }

        return new UploadStart(false, Location(request, response));
    }

    /// <summary>Sends the blob to an open upload <paramref name="session"/> and closes it with its digest; returns the bytes sent.</summary>
    internal async Task<long> UploadAsync(ImageReference repository, Uri session, Digest digest, long size, Stream content, CancellationToken ct)
    {
        var operation = $"upload blob {digest}";
        if (Options.ChunkSize is { } chunkSize && size > chunkSize)
        {
            return await UploadChunkedAsync(repository, session, digest, size, content, chunkSize, operation, ct).ConfigureAwait(false);
        }

        var counting = new CountingStream(content);
        var origin = content.CanSeek ? content.Position : 0;
        var request = new RegistryRequest(repository.Registry, repository.Repository, operation, HttpMethod.Put,
            WithDigest(session, digest), [RegistryScope.Push(repository.Repository)])
        {
            Content = () =>
            {
                if (content.CanSeek)
                {
                    content.Position = origin;
                }

                var body = new StreamContent(counting);
                body.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                body.Headers.ContentLength = size;
                return body;
            },
            Replayable = content.CanSeek,
            Unbounded = true,
        };
        using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        await CompletedAsync(request, response, digest, ct).ConfigureAwait(false);
        return counting.BytesRead;
    }

    public void Dispose() => transport.Dispose();

    private async Task<long> UploadChunkedAsync(ImageReference repository, Uri session, Digest digest, long size, Stream content, int chunkSize, string operation, CancellationToken ct)
    {
        var buffer = new byte[(int)Math.Min(chunkSize, size)];
        long sent = 0;
        while (sent < size)
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - sent)), 1, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new RegistryException(repository.Registry, repository.Repository, operation, $"the content ended after {sent} of {size} bytes");
            }

            var start = sent;
            var request = new RegistryRequest(repository.Registry, repository.Repository, operation, HttpMethod.Patch, session, [RegistryScope.Push(repository.Repository)])
            {
                Content = () =>
                {
                    var chunk = new ByteArrayContent(buffer, 0, read);
                    chunk.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                    return chunk;
                },
                ContentRange = $"{start}-{start + read - 1}",
                Unbounded = true,
            };
            using (var response = await transport.SendAsync(request, ct).ConfigureAwait(false))
            {
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw await RegistryAnswer.FailureAsync(request, response, ct, $"the chunk of bytes {request.ContentRange} was refused").ConfigureAwait(false);
                }

                session = Location(request, response);
            }

            sent += read;
        }

        var close = new RegistryRequest(repository.Registry, repository.Repository, operation, HttpMethod.Put, WithDigest(session, digest), [RegistryScope.Push(repository.Repository)])
        {
            Content = () => new ByteArrayContent([]),
        };
        using var closed = await transport.SendAsync(close, ct).ConfigureAwait(false);
        await CompletedAsync(close, closed, digest, ct).ConfigureAwait(false);
        return sent;
    }

    private async Task CancelUploadAsync(ImageReference repository, Uri session, CancellationToken ct)
    {
        // Best effort: an abandoned upload session expires on its own in the registry.
        var request = new RegistryRequest(repository.Registry, repository.Repository, "cancel an upload", HttpMethod.Delete, session, [RegistryScope.Push(repository.Repository)]);
        try
        {
            using var response = await transport.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (RegistryException)
        {
        }
    }

    private static async Task CompletedAsync(RegistryRequest request, HttpResponseMessage response, Digest digest, CancellationToken ct)
    {
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.OK))
        {
            var hint = response.StatusCode == HttpStatusCode.BadRequest ? "the content sent did not hash to the digest, or the upload was not whole (DIGEST_INVALID, SIZE_INVALID)" : null;
            throw await RegistryAnswer.FailureAsync(request, response, ct, hint).ConfigureAwait(false);
        }

        if (DigestHeader(response) is { } stored && stored.Algorithm == digest.Algorithm && stored != digest)
        {
            throw request.Failure($"the registry stored the blob as {stored}, not {digest}");
        }
    }

    private RegistryRequest ManifestRequest(ImageReference reference, HttpMethod method, string operation) =>
        new(reference.Registry, reference.Repository, operation, method, Api(reference, $"manifests/{reference.ManifestReference}"), [RegistryScope.Pull(reference.Repository)])
        {
            Accept = MediaTypes.AcceptedManifests,
        };

    private Uri Api(ImageReference repository, string path) => new(transport.Endpoint(repository.Registry), $"{repository.Repository}/{path}");

    /// <summary>The upload session the registry names in <c>Location</c>, relative to the request or absolute.</summary>
    private static Uri Location(RegistryRequest request, HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? new Uri(request.Uri, location)
            : throw request.Failure($"the registry answered {(int)response.StatusCode} without a Location for the upload");

    private static Uri WithDigest(Uri session, Digest digest)
    {
        var builder = new UriBuilder(session);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : "") + "digest=" + Uri.EscapeDataString(digest.ToString());
        return builder.Uri;
    }

    private static Digest? DigestHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault()?.Trim(), out var digest) ? digest : null;

    /// <summary>The next page of a list: <c>Link: &lt;/v2/…?last=x&amp;n=1000&gt;; rel="next"</c>.</summary>
    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
            {
                return new Uri(current, link[(open + 1)..close]);
            }
        }

        return null;
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed record TagList([property: System.Text.Json.Serialization.JsonPropertyName("tags")] IReadOnlyList<string>? Tags);
}

/// <summary>How an upload began: the blob mounted (nothing to send), or a session to send it to.</summary>
internal sealed record UploadStart(bool Mounted, Uri? Session);
