using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Housekeeping;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests.Housekeeping;

/// <summary>
/// Artifact copies go when no kept revision of any app names them — those of revisions the history limit let go and
/// of deleted apps — and stay while any kept revision anywhere does.
/// </summary>
public sealed class ArtifactCollectorTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Copies_of_pruned_revisions_go_and_those_of_kept_ones_stay()
    {
        for (var n = 1; n <= 6; n++)
        {
            await _h.RollOutAsync("web", $"v{n}", revisionHistoryLimit: 1);
        }

        Assert.Equal(6, _h.Artifacts.List().Count);
        await new RevisionPruner(_h.Store, _h.Gate, _h.Target, NullLogger<RevisionPruner>.Instance).PruneAsync(Ct);

        var deleted = await Collector().CollectAsync(Ct);

        Assert.Equal(3, deleted.Count);
        Assert.Equal(await DigestsAsync("web"), _h.Artifacts.List());
        Assert.Equal(3, _h.Artifacts.List().Count); // 6 stable, 5 for undo, 4 the history
    }

    [Fact]
    public async Task A_deleted_apps_copies_go_except_one_another_app_still_uses()
    {
        await _h.RollOutAsync("web", "shared");
        await _h.RollOutAsync("web", "web-only");
        await _h.RollOutAsync("api", "shared"); // the same build: the same digest, one copy
        Assert.Equal(2, _h.Artifacts.List().Count);

        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        var deleted = await Collector().CollectAsync(Ct);

        Assert.Single(deleted);
        Assert.Equal(await DigestsAsync("api"), _h.Artifacts.List());
    }

    [Fact]
    public async Task A_copy_an_apply_is_about_to_save_a_revision_for_is_kept()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        var copy = Assert.Single(_h.Artifacts.List());

        // Applied again while the collection runs: it finds the copy, and saves its revision after the collection
        // read the store (which named no digest then).
        using (_h.Artifacts.Use(copy))
        {
            Assert.Empty(await Collector().CollectAsync(Ct));
        }

        Assert.Equal([copy], _h.Artifacts.List());
    }

    private ArtifactCollector Collector() => new(_h.Store, _h.Artifacts, NullLogger<ArtifactCollector>.Instance);

    private async Task<List<string>> DigestsAsync(string app) =>
        [.. (await _h.Store.ListRevisionsAsync(app, "dev", Ct)).Select(r => r.Template.Artifact.Digest!).Distinct().Order(StringComparer.Ordinal)];
}
