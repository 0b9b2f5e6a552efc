using System.Net;

namespace Slipway.Oci.Registry;

/// <summary>
/// A registry operation that failed: the message names the registry, the repository and what was being done, then
/// what the registry said (its error codes) or why it could not be reached, and where it helps, what to do. Never a
/// credential: logins and tokens are not part of any message.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(string registry, string? repository, string operation, string problem, HttpStatusCode? status = null,
        IReadOnlyList<RegistryError>? errors = null, Exception? inner = null)
        : base(Compose(registry, repository, operation, problem), inner)
    {
        Registry = registry;
        Repository = repository;
        Operation = operation;
        Status = status;
        Errors = errors ?? [];
    }

    public string Registry { get; }

    public string? Repository { get; }

    /// <summary>What was being done, e.g. <c>fetch manifest v1</c>.</summary>
    public string Operation { get; }

    /// <summary>The registry's HTTP status; null when it was not reached.</summary>
    public HttpStatusCode? Status { get; }

    public IReadOnlyList<RegistryError> Errors { get; }

    /// <summary>Whether the registry said the thing asked for does not exist (404, or a *_UNKNOWN code).</summary>
    public bool IsNotFound => Status == HttpStatusCode.NotFound || Errors.Any(e => e.Code is "MANIFEST_UNKNOWN" or "BLOB_UNKNOWN" or "NAME_UNKNOWN");

    private static string Compose(string registry, string? repository, string operation, string problem) =>
        $"{operation} in {(repository is null ? "" : $"repository {repository} of ")}registry {registry} failed: {problem}";
}
