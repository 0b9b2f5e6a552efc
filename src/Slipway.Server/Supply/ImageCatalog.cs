using Slipway.Oci.Sbom;
using Slipway.Store;

namespace Slipway.Server.Supply;

/// <summary>
/// <c>slipway images</c>: the images Slipway recorded, and "which of our services carry this package?" — answered from
/// the packages stored with each image's SBOM and the revisions that pin those images, without pulling an image.
/// </summary>
internal sealed class ImageCatalog(IStore store)
{
    /// <summary>Every image recorded, newest first, with how many packages its SBOM lists (null: no SBOM yet).</summary>
    public async Task<IReadOnlyList<ImageView>> ListAsync(CancellationToken ct)
    {
        var images = await store.ListImagesAsync(null, ct);
        var views = new List<ImageView>(images.Count);
        var counts = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (!counts.TryGetValue(image.Digest, out var count))
            {
                var packages = await store.ListImagePackagesAsync(image.Digest, ct);
                counts[image.Digest] = count = packages.Count == 0 && !image.Details.Contains("\"sbom\"", StringComparison.Ordinal) ? null : packages.Count;
            }

            views.Add(ImageView.Of(image, count));
        }

        return views;
    }

    /// <summary>
    /// Every revision, of every app and environment, whose image carries the package <paramref name="query"/> names
    /// (<c>NAME</c>, <c>NAME@VERSION</c>, or a purl, which pins the ecosystem), with the revisions that run now marked.
    /// </summary>
    public async Task<IReadOnlyList<PackageUseView>> UsesAsync(PackageQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var uses = (await store.FindPackageUsesAsync(query.Name, query.Version, ct))
            .Where(u => Ecosystems.Matches(query.Type, u.Package.Ecosystem))
            .ToList();
        var running = new Dictionary<(string App, string Env), (int? Stable, int? Updated, int? Desired)>();
        var views = new List<PackageUseView>(uses.Count);
        foreach (var use in uses)
        {
            if (!running.TryGetValue((use.App, use.Environment), out var current))
            {
                var app = await store.GetAppAsync(use.App, use.Environment, ct);
                var status = await store.GetStatusAsync(use.App, use.Environment, ct);
                running[(use.App, use.Environment)] = current = (status.StableRevision, status.InProgress ? status.UpdatedRevision : null, app?.DesiredRevision);
            }

            var role = use.Revision == current.Stable ? "stable"
                : use.Revision == current.Updated ? "rolling out"
                : use.Revision == current.Desired ? "desired"
                : null;
            views.Add(new PackageUseView(use.App, use.Environment, use.Revision, use.Image, use.Digest, use.Package.Ecosystem, use.Package.Name, use.Package.Version, use.Package.Purl, role));
        }

        return views;
    }
}
