using Slipway.Core.Rollouts;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests.Preflight;

/// <summary>
/// <c>rollout undo</c> and <c>retry</c> start instances of a revision made earlier: they pass the preflight checks first
/// (here, that the store still holds the revision's artifact), and a refusal names the reason and moves nothing. Undo
/// back to the stable revision during a rollout starts nothing new, and is never held up.
/// </summary>
public sealed class RolloutPreflightTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _h = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Undo_to_a_revision_whose_artifact_copy_was_deleted_is_refused_with_the_reason_and_nothing_moves()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.RollOutAsync("web", "v2");
        var digest = await DeleteCopyOfAsync(1);
        var before = await SnapshotAsync();

        var reply = await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct);

        Assert.Equal($"web/dev cannot be released: its artifact {digest} is no longer in the server's store (removed by housekeeping or by hand): apply the spec again to copy it", reply.Refusal?.Message);
        Assert.False(reply.Refusal!.AppNotFound);
        Assert.Equal(before, await SnapshotAsync());
        await _h.SettleAsync(TimeSpan.FromSeconds(1), rounds: 3);
        Assert.DoesNotContain(_h.Target.Instances, i => i.Revision == 1);
    }

    [Fact]
    public async Task Retry_of_a_revision_whose_artifact_copy_was_deleted_is_refused_too()
    {
        await _h.RollOutAsync("web", "v1");
        _h.WriteArtifact("code v2");
        await _h.ApplyAsync("web", "v2", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1), rounds: 3);
        Assert.Null((await _h.Rollouts.AbortAsync("web", "dev", Ct)).Refusal);
        await _h.SettleAsync(TimeSpan.FromSeconds(1), rounds: 3);
        var digest = await DeleteCopyOfAsync(2);
        var before = await SnapshotAsync();

        var reply = await _h.Rollouts.RetryAsync("web", "dev", null, null, Ct);

        Assert.Contains($"its artifact {digest} is no longer in the server's store", reply.Refusal?.Message, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
        Assert.True((await _h.Store.GetStatusAsync("web", "dev", Ct)).Aborted);
    }

    [Fact]
    public async Task Undo_and_retry_that_pass_say_the_warnings_and_go_ahead()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.RollOutAsync("web", "v2");

        var reply = await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct);

        Assert.Null(reply.Refusal);
        Assert.StartsWith("web: rolling back to revision 1", reply.Message, StringComparison.Ordinal);
        Assert.StartsWith("web/dev: 1 replica and no readiness probe", Assert.Single(reply.Warnings), StringComparison.Ordinal);
        Assert.Equal(1, (await _h.Store.GetStatusAsync("web", "dev", Ct)).UpdatedRevision);
    }

    [Fact]
    public async Task Undo_back_to_the_stable_revision_during_a_rollout_is_not_held_up()
    {
        await _h.RollOutAsync("web", "v1");
        _h.WriteArtifact("code v2");
        await _h.ApplyAsync("web", "v2", replicas: 1, minReadySeconds: 0);
        await _h.SettleAsync(TimeSpan.FromSeconds(1), rounds: 3);
        await DeleteCopyOfAsync(1); // the stable revision's instances run; nothing new starts from the copy

        var reply = await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct);

        Assert.Null(reply.Refusal);
        Assert.Equal(1, (await _h.Store.GetStatusAsync("web", "dev", Ct)).UpdatedRevision);
    }

    private async Task<string> DeleteCopyOfAsync(int revision)
    {
        var digest = (await _h.Store.ListRevisionsAsync("web", "dev", Ct)).Single(r => r.Number == revision).Template.Artifact.Digest!;
        Slipway.Local.Files.WritableTree.Delete(_h.Artifacts.PathFor(digest));
        return digest;
    }

    /// <summary>What a refused command must leave as it was: the status, the desired revision, the revisions and the events.</summary>
    private async Task<string> SnapshotAsync()
    {
        var status = await _h.Store.GetStatusAsync("web", "dev", Ct);
        var app = await _h.Store.GetAppAsync("web", "dev", Ct);
        var revisions = await _h.Store.ListRevisionsAsync("web", "dev", Ct);
        var events = await _h.Store.ListEventsAsync("web", "dev", 1000, Ct);
        return $"{status.Phase} {status.Generation} stable {status.StableRevision} updated {status.UpdatedRevision} aborted {status.Aborted}; desired {app!.DesiredRevision}; revisions {revisions.Count}; events {events.Count}";
    }
}
