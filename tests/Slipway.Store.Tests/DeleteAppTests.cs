using Slipway.Core.Rollouts;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>Deleting an app×env forgets all of it and nothing of any other.</summary>
public sealed class DeleteAppTests : StoreTest
{
    [Fact]
    public async Task Deleting_an_app_removes_its_spec_revisions_status_and_events_in_that_environment_only()
    {
        foreach (var (app, env) in new[] { ("web", "prod"), ("web", "staging"), ("api", "prod") })
        {
            await Store.SaveAppAsync(App(app, env), Revision(1, app, env), RolloutCommands.StartRevision(RolloutStatus.Empty, 1, TemporaryStore.Start).Status!, [new NewEvent(1, Reasons.RolloutStarted, $"{app} {env} 1")], Ct);
            await Store.SaveAppAsync(App(app, env, desiredRevision: 2), Revision(2, app, env), MidCanary(), [new NewEvent(2, Reasons.RolloutStarted, $"{app} {env} 2")], Ct);
        }

        await Store.DeleteAppAsync("web", "prod", Ct);

        Assert.Null(await Store.GetAppAsync("web", "prod", Ct));
        Assert.Empty(await Store.ListRevisionsAsync("web", "prod", Ct));
        Assert.True((await Store.GetStatusAsync("web", "prod", Ct)).IsEquivalentTo(RolloutStatus.Empty));
        Assert.Empty(await Store.ListEventsAsync("web", "prod", 10, Ct));

        Assert.Equal([("api", "prod"), ("web", "staging")], (await Store.ListAppsAsync(Ct)).Select(a => (a.App, a.Environment)));
        foreach (var (app, env) in new[] { ("web", "staging"), ("api", "prod") })
        {
            Assert.Equal([1, 2], (await Store.ListRevisionsAsync(app, env, Ct)).Select(r => r.Number));
            Assert.True((await Store.GetStatusAsync(app, env, Ct)).IsEquivalentTo(MidCanary()));
            Assert.Equal([$"{app} {env} 1", $"{app} {env} 2"], (await Store.ListEventsAsync(app, env, 10, Ct)).Select(e => e.Message));
        }
    }

    [Fact]
    public async Task Deleting_an_unknown_app_changes_nothing()
    {
        await Store.SaveAppAsync(App(), Revision(1), MidCanary(), [new NewEvent(1, Reasons.RolloutStarted, "started")], Ct);

        await Store.DeleteAppAsync("nobody", "prod", Ct);

        Assert.Single(await Store.ListAppsAsync(Ct));
        Assert.Single(await Store.ListEventsAsync("web", "prod", 10, Ct));
    }

    [Fact]
    public async Task An_app_deleted_and_applied_again_starts_from_revision_one_without_old_history()
    {
        await Store.SaveAppAsync(App(desiredRevision: 2), Revision(2), MidCanary(), [new NewEvent(2, Reasons.RolloutStarted, "old")], Ct);
        await Store.DeleteAppAsync("web", "prod", Ct);

        await Store.SaveAppAsync(App(), Revision(1), RolloutStatus.Empty, [new NewEvent(1, Reasons.RolloutStarted, "new")], Ct);

        Assert.Equal([1], (await Store.ListRevisionsAsync("web", "prod", Ct)).Select(r => r.Number));
        Assert.Equal(["new"], (await Store.ListEventsAsync("web", "prod", 10, Ct)).Select(e => e.Message));
    }
}
