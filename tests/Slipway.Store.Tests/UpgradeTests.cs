using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Store.Schema;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// A data directory written by the Slipway that had no schema version (Fixtures/slipway-v1.db, see its
/// README) is opened by this one: everything it held reads back, and it carries on from there.
/// </summary>
public sealed class UpgradeTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private readonly DataDirectory _data = DataDirectory.WithFixture("slipway-v1.db");

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task A_store_written_before_schema_versions_reads_back_intact_at_the_latest_version()
    {
        Assert.Equal(0, await RawDatabase.UserVersionAsync(_data.StorePath));

        var store = await SqliteStore.OpenAsync(_data.StorePath, new ManualTimeProvider(Now), Ct);

        Assert.Equal(Migrations.Latest, await RawDatabase.UserVersionAsync(_data.StorePath));
        Assert.Equal([("api", "staging"), ("web", "dev")], (await store.ListAppsAsync(Ct)).Select(a => (a.App, a.Environment)));

        var web = await store.GetAppAsync("web", "dev", Ct);
        Assert.NotNull(web);
        Assert.Equal(2, web.DesiredRevision);
        Assert.Equal(2, web.Spec.Replicas);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T19:24:49.5946680+00:00"), web.CreatedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T19:24:58.2142915+00:00"), web.UpdatedAt);
        Assert.Equal("/tmp/store-fixture-sample", web.Spec.Template.Artifact.Path);
        Assert.Equal([new EnvVar("VERSION", "v2")], web.Spec.Template.Env);
        Assert.Equal(
            Json<IReadOnlyList<CanaryStep>>([new SetWeightStep(20), new PauseStep(null), new SetHeaderRouteStep("header-route", [new HeaderMatch("X-Canary", new StringMatch(Exact: "yes"))]), new SetMirrorStep(20), new SetWeightStep(50), new PauseStep(null)]),
            Json(Assert.IsType<CanaryStrategy>(web.Spec.Strategy).Steps));

        var revisions = await store.ListRevisionsAsync("web", "dev", Ct);
        Assert.Equal([(1, "first revision", "v1"), (2, "changed env VERSION", "v2")], revisions.Select(r => (r.Number, r.ChangeCause, r.Template.Env.Single().Value)));
        Assert.Equal("7ee496e398bea6f82a23df1405083f440275c40c5c1dcc8905deb89bd72282c4", revisions[1].TemplateHash);

        var status = await store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal((1, 2, RolloutPhase.Paused, Reasons.CanaryPauseStep, 5, 50, 20), (status.StableRevision, status.UpdatedRevision, status.Phase, status.Reason, status.CurrentStepIndex, status.CanaryWeight, status.MirrorPercent));
        Assert.Equal("header-route", status.HeaderRoute?.Name);
        Assert.Equal((false, 0L), (status.PausedByUser, status.Generation)); // written before either existed: read as not paused, no migration
        Assert.Equal(["Available", "Progressing", "Paused", "Aborted"], status.Conditions.Select(c => c.Type));
        Assert.Equal(RolloutPhase.Healthy, (await store.GetStatusAsync("api", "staging", Ct)).Phase);

        var events = await store.ListEventsAsync("web", "dev", 100, Ct);
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), events.Select(e => e.Id));
        Assert.Equal("revision 1 created (first revision); rolling out", events[0].Message);
        Assert.Equal((2, Reasons.CanaryPauseStep, "step 6: paused until promoted"), (events[^1].Revision, events[^1].Reason, events[^1].Message));
        Assert.Equal([12L, 13L], (await store.ListEventsAsync("api", "staging", 100, Ct)).Select(e => e.Id));
    }

    [Fact]
    public async Task Version_2_gives_every_app_its_own_uid_and_every_rollout_its_stable_history_and_progress()
    {
        var store = await SqliteStore.OpenAsync(_data.StorePath, new ManualTimeProvider(Now), Ct);

        var uids = (await store.ListAppsAsync(Ct)).Select(a => a.Uid).ToList();
        Assert.All(uids, uid => Assert.Matches("^[0-9a-f]{32}$", uid));
        Assert.Equal(uids.Count, uids.Distinct().Count());

        // web: revision 1 became stable, revision 2 is mid-canary; api: its only revision is stable.
        Assert.Equal([1], (await store.GetStatusAsync("web", "dev", Ct)).StableHistory);
        Assert.Equal([1], (await store.GetStatusAsync("api", "staging", Ct)).StableHistory);
        Assert.Equal(1, RolloutCommands.Undo(await store.GetStatusAsync("web", "dev", Ct)).Revision);
    }

    [Fact]
    public async Task An_upgraded_store_carries_on_where_the_old_one_stopped()
    {
        var store = await SqliteStore.OpenAsync(_data.StorePath, new ManualTimeProvider(Now), Ct);
        var web = (await store.GetAppAsync("web", "dev", Ct))!;

        var template = web.Spec.Template with { Env = [new EnvVar("VERSION", "v3")] };
        await store.SaveAppAsync(
            web with { Spec = web.Spec with { Template = template }, DesiredRevision = 3, UpdatedAt = Now },
            new RevisionRecord("web", "dev", 3, template, "hash-3", "changed env VERSION", Now),
            await store.GetStatusAsync("web", "dev", Ct) with { UpdatedRevision = 3 },
            [new NewEvent(3, Reasons.RolloutStarted, "revision 3 created")],
            Ct);

        Assert.Equal([1, 2, 3], (await store.ListRevisionsAsync("web", "dev", Ct)).Select(r => r.Number));
        var last = (await store.ListEventsAsync("web", "dev", 1, Ct)).Single();
        Assert.Equal((14L, "revision 3 created", Now), (last.Id, last.Message, last.Time));
    }

    [Fact]
    public async Task Version_1_adopts_a_store_written_before_versions_without_changing_its_tables()
    {
        var before = await RawDatabase.SchemaAsync(_data.StorePath);

        await SqliteStore.OpenAsync(_data.StorePath, TimeProvider.System, Migrations.All.Take(1).ToList(), Ct);

        Assert.Equal(1, await RawDatabase.UserVersionAsync(_data.StorePath));
        Assert.Equal(before, await RawDatabase.SchemaAsync(_data.StorePath));
        Assert.Equal(13, await RawDatabase.CountAsync(_data.StorePath, "events"));
    }

    [Fact]
    public async Task A_new_store_at_version_1_has_exactly_the_tables_of_a_store_written_before_versions()
    {
        using var fresh = DataDirectory.Empty();

        await SqliteStore.OpenAsync(fresh.StorePath, TimeProvider.System, Migrations.All.Take(1).ToList(), Ct);

        Assert.Equal(1, await RawDatabase.UserVersionAsync(fresh.StorePath));
        Assert.Equal(await RawDatabase.SchemaAsync(_data.StorePath), await RawDatabase.SchemaAsync(fresh.StorePath));
    }

    [Fact]
    public async Task A_new_store_is_created_at_the_latest_version()
    {
        using var fresh = DataDirectory.Empty();

        var store = await SqliteStore.OpenAsync(fresh.StorePath, TimeProvider.System, Ct);

        Assert.Equal(Migrations.Latest, await RawDatabase.UserVersionAsync(fresh.StorePath));
        Assert.Empty(await store.ListAppsAsync(Ct));
    }

    public void Dispose() => _data.Dispose();
}
