using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Housekeeping;
using Slipway.Server.Targets;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests.Housekeeping;

/// <summary>
/// Revisions beyond an app's <c>revisionHistoryLimit</c> are deleted from the store, through the real apply,
/// rollout commands and reconciler: never the stable one, the one rolling out, the one undo goes back to, or one that
/// still has instances. Undo keeps working on what is left.
/// </summary>
public sealed class RevisionPrunerTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Revisions_beyond_the_limit_go_but_not_what_runs_or_what_undo_needs()
    {
        for (var n = 1; n <= 12; n++)
        {
            await _h.RollOutAsync("web", $"v{n}", revisionHistoryLimit: 3);
        }

        _h.WriteArtifact("code v13");
        await _h.ApplyAsync("web", "v13", replicas: 1, minReadySeconds: 0, revisionHistoryLimit: 3);
        await _h.SettleAsync(TimeSpan.FromSeconds(1), rounds: 4); // paused at the canary's first step

        var pruned = Assert.Single(await Pruner().PruneAsync(Ct));

        Assert.Equal(("web", "dev"), (pruned.App, pruned.Environment));
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], pruned.Numbers);
        // 13 rolling out, 12 stable, 11 where undo goes once 13 is stable; 8–10 the history the limit keeps.
        Assert.Equal([8, 9, 10, 11, 12, 13], await RevisionsAsync());

        Assert.StartsWith("web: rolled back to revision 12", (await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct)).Message, StringComparison.Ordinal);
        await _h.SettleAsync(TimeSpan.FromSeconds(1), rounds: 4);
        Assert.Equal("there is no revision 7: the revisions are 8 to 13", (await _h.Rollouts.UndoAsync("web", "dev", 7, null, Ct)).Refusal?.Message);
        Assert.Null((await _h.Rollouts.UndoAsync("web", "dev", 9, null, Ct)).Refusal);
    }

    [Fact]
    public async Task A_revision_that_still_has_instances_is_kept()
    {
        for (var n = 1; n <= 4; n++)
        {
            await _h.RollOutAsync("web", $"v{n}", revisionHistoryLimit: 0);
        }

        var app = (await _h.Store.GetAppAsync("web", "dev", Ct))!;
        var one = (await _h.Store.ListRevisionsAsync("web", "dev", Ct))[0];
        // An instance of revision 1 still stopping, say.
        _h.Target.Start(new InstanceLaunch("web", "dev", app.Uid, 1, InstanceLaunch.NewId("web", "dev", 1), _h.Time.GetUtcNow(), one.Template));

        await Pruner().PruneAsync(Ct);

        Assert.Equal([1, 3, 4], await RevisionsAsync());
    }

    [Fact]
    public async Task Apps_within_their_limit_lose_nothing()
    {
        for (var n = 1; n <= 5; n++)
        {
            await _h.RollOutAsync("web", $"v{n}");
        }

        Assert.Empty(await Pruner().PruneAsync(Ct));
        Assert.Equal([1, 2, 3, 4, 5], await RevisionsAsync());
    }

    [Fact]
    public async Task A_lowered_limit_applies_at_the_next_pass()
    {
        for (var n = 1; n <= 6; n++)
        {
            await _h.RollOutAsync("web", $"v{n}");
        }

        await _h.ApplyAsync("web", "v6", replicas: 1, minReadySeconds: 0, revisionHistoryLimit: 1); // the same revision

        await Pruner().PruneAsync(Ct);

        // 6 stable, 5 where undo goes, 4 the one old revision the limit keeps.
        Assert.Equal([4, 5, 6], await RevisionsAsync());
    }

    private RevisionPruner Pruner() => new(_h.Store, _h.Gate, _h.Target, NullLogger<RevisionPruner>.Instance);

    private async Task<List<int>> RevisionsAsync() => [.. (await _h.Store.ListRevisionsAsync("web", "dev", Ct)).Select(r => r.Number)];
}
