using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Slipway.Oci;

/// <summary>
/// An image reference as Docker and the distribution spec read it: <c>[registry[:port]/]repository[:tag][@digest]</c>.
/// The first path component is the registry when it holds a '.' or a ':' or is <c>localhost</c>; otherwise the
/// registry is <c>docker.io</c> and a one-component repository gets Docker's <c>library/</c> prefix. A reference with
/// a digest names content; one with only a tag names whatever the tag points at now (resolved to a digest before use).
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>The registry and repository without tag or digest, e.g. <c>localhost:5000/web</c>.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>What a manifest request names: the digest when there is one, else the tag (<c>latest</c> when neither).</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    public static ImageReference Parse(string text) =>
        TryParse(text, out var reference, out var error) ? reference : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/>; on failure, <paramref name="error"/> says what was expected.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "an image reference is empty: expected [registry/]name[:tag][@sha256:…]";
            return false;
        }

        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Digest.TryParse(rest[(at + 1)..], out digest))
            {
                error = $"'{text}': the part after '@' is not a digest: expected sha256: and 64 lowercase hex digits";
                return false;
            }

            rest = rest[..at];
        }

        string? tag = null;
        var lastColon = rest.LastIndexOf(':');
        if (lastColon > rest.LastIndexOf('/'))
        {
            tag = rest[(lastColon + 1)..];
            rest = rest[..lastColon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"'{text}': tag '{tag}' is not valid: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'";
                return false;
            }
        }

        var registry = DockerHub;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? null : rest[..slash];
        if (first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = first;
            rest = rest[(slash + 1)..];
            if (!RegistryPattern().IsMatch(registry))
            {
                error = $"'{text}': registry '{registry}' is not a host name with an optional port";
                return false;
            }
        }

        if (rest.Length is 0 or > 255 || !rest.Split('/').All(component => ComponentPattern().IsMatch(component)))
        {
            error = $"'{text}': repository '{rest}' is not valid: lowercase letters and digits, separated by '.', '_', '__', '-' or '/'";
            return false;
        }

        if (registry == DockerHub && !rest.Contains('/', StringComparison.Ordinal))
        {
            rest = "library/" + rest;
        }

        reference = new ImageReference(registry, rest, tag, digest);
        error = null;
        return true;
    }

    /// <summary>The same repository at <paramref name="digest"/>, the tag kept for display.</summary>
    public ImageReference WithDigest(Digest digest) => this with { Digest = digest };

    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentPattern();

    [GeneratedRegex(@"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();
}
