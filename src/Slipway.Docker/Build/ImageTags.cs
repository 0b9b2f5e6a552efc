using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Oci;

namespace Slipway.Docker.Build;

/// <summary>
/// The tags and OCI labels a build gets from its git revision, so the same commit always lands under the same names and
/// an image says where it came from.
/// </summary>
/// <example>
/// Commit 3f2a9c1… on branch <c>feature/login</c>, tagged <c>v1.4.0</c>, pushed to <c>localhost:5000/web</c>:
/// tags <c>3f2a9c1…</c> (40 digits), <c>3f2a9c1</c>, <c>feature-login</c>, <c>1.4.0</c>; labels
/// <c>org.opencontainers.image.revision=3f2a9c1…</c>, <c>.source=https://github.com/acme/web</c>,
/// <c>.created=2026-11-24T11:58:03Z</c> (the commit's time), <c>.version=1.4.0</c>. A working tree with changes gets <c>-dirty</c> commit
/// tags (<c>3f2a9c1-dirty</c>): the commit alone does not describe those files, and a clean build of it later must not
/// be confused with this one.
/// </example>
public static partial class ImageTags
{
    public const string RevisionLabel = "org.opencontainers.image.revision";
    public const string SourceLabel = "org.opencontainers.image.source";
    public const string CreatedLabel = "org.opencontainers.image.created";
    public const string VersionLabel = "org.opencontainers.image.version";

    /// <summary>
    /// The tags: full and short commit, branch, semver version, then <paramref name="extra"/>; without git, only
    /// <paramref name="extra"/>, or <c>build-YYYYMMDDHHMMSS</c> when that is empty too (a push needs a tag).
    /// </summary>
    public static IReadOnlyList<string> For(GitRevision? git, IReadOnlyList<string>? extra, DateTimeOffset now)
    {
        var tags = new List<string>();
        if (git is not null)
        {
            var suffix = git.Dirty ? "-dirty" : "";
            tags.Add(git.Commit + suffix);
            tags.Add(git.ShortCommit + suffix);
            if (git.Branch is { } branch && Sanitize(branch) is { Length: > 0 } branchTag)
            {
                tags.Add(branchTag);
            }

            if (git.Version is { } version && !git.Dirty)
            {
                tags.Add(Sanitize(version));
            }
        }

        tags.AddRange(extra ?? []);
        if (tags.Count == 0)
        {
            tags.Add("build-" + now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
        }

        return tags.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The OCI labels; <paramref name="extra"/> (the user's own) wins over none of them. <c>created</c> is the commit's
    /// time for a clean working tree, the build's otherwise: the same commit then builds the same image, to the digest,
    /// which the engine's cache answers in a second and the registry already has (the reproducible-builds convention,
    /// SOURCE_DATE_EPOCH). A build's own time would make every rebuild a new image.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Labels(GitRevision? git, IReadOnlyList<string> tags, DateTimeOffset now, IReadOnlyDictionary<string, string>? extra)
    {
        var created = git is { Dirty: false, CommittedAt: { } committed } ? committed : now;
        var labels = new Dictionary<string, string>(extra ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [CreatedLabel] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (git is not null)
        {
            labels[RevisionLabel] = git.Commit;
            if (git.RemoteUrl is { } source)
            {
                labels[SourceLabel] = source;
            }
        }

        labels[VersionLabel] = git switch
        {
            { Version: { } version, Dirty: false } => version,
            { } revision => revision.ShortCommit + (revision.Dirty ? "-dirty" : ""),
            null => tags[0],
        };
        return labels;
    }

    /// <summary>A branch or version as a tag: '/' and anything else a tag cannot hold become '-', at most 128 characters.</summary>
    internal static string Sanitize(string name)
    {
        var tag = InvalidTagCharacters().Replace(name, "-").TrimStart('.', '-');
        return tag.Length > 128 ? tag[..128] : tag;
    }

    /// <summary>Whether <paramref name="tag"/> is one <see cref="ImageReference"/> accepts.</summary>
    internal static bool IsValid(string tag) => ImageReference.TryParse("x:" + tag, out _, out _);

    [GeneratedRegex("[^A-Za-z0-9_.-]", RegexOptions.CultureInvariant)]
    private static partial Regex InvalidTagCharacters();
}
