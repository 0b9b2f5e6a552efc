namespace Slipway.Oci.Registry;

/// <summary>
/// One request to a registry, described so that it can be sent twice — before and after answering a 401 — and so
/// that its failure can be told: which registry and repository, what was being done.
/// </summary>
internal sealed record RegistryRequest(string Registry, string? Repository, string Operation, HttpMethod Method, Uri Uri, IReadOnlyList<string> Scopes)
{
    /// <summary>Makes the body afresh for each attempt; null for none.</summary>
    public Func<HttpContent>? Content { get; init; }

    /// <summary>Whether the body can be made again after a 401 (false for a stream being read once).</summary>
    public bool Replayable { get; init; } = true;

    public IReadOnlyList<string> Accept { get; init; } = [];

    /// <summary>A blob upload with a body: bounded by the caller's token only, not by the request timeout.</summary>
    public bool Unbounded { get; init; }

    /// <summary>The <c>Content-Range</c> of a chunk (<c>start-end</c>, inclusive, as the distribution spec writes it).</summary>
    public string? ContentRange { get; init; }

    public RegistryException Failure(string problem, System.Net.HttpStatusCode? status = null, IReadOnlyList<RegistryError>? errors = null, Exception? inner = null) =>
        new(Registry, Repository, Operation, problem, status, errors, inner);
}
