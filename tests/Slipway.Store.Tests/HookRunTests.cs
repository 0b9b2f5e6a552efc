using Slipway.Core.Hooks;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>Hook runs and event cursors: kept, found again after a restart, bounded, forgotten with the app.</summary>
public sealed class HookRunTests : StoreTest
{
    private static readonly DateTimeOffset Started = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly HookSpec Migrate = new("migrate", HookType.PreRollout, new JobHookAction("dotnet", ["Migrate.dll"], [new EnvVar("DB", "") { SecretKeyRef = new SecretKeyRef("db", "url") }]), TimeSpan.FromMinutes(5), 2)
    {
        Irreversible = new IrreversibleSpec("adds column users.email_verified"),
    };

    private static readonly HookSpec Notify = new("notify", HookType.Event, new HttpHookAction("http://127.0.0.1:9000/", "POST", [], null), HookSpec.DefaultTimeout, 0);

    private protected override StoreOptions Options => new() { HookRunsPerApp = 3 };

    private static HookRun Run(HookSpec hook, int revision = 2, DateTimeOffset? started = null) =>
        new(new HookRunKey(hook.Type, hook.Name, revision, started ?? Started), hook, new HookMoment("Progressing", 0, 1), Started);

    private static HookRun EventRun(long id) =>
        new(new HookRunKey(HookType.Event, Notify.Name, 2, Started, id), Notify, new HookMoment("Progressing", 0, 1) { Event = new HookEvent(id, Started, 2, Reasons.StepCompleted, $"event {id}") }, Started);

    private static HookRunRecord Finished(HookRunRecord run, HookPhase phase) =>
        run with { Run = run.Run with { Phase = phase, Attempts = 1, StartedAt = Started, FinishedAt = Started.AddSeconds(3), ExitCode = phase == HookPhase.Succeeded ? 0 : 1, Output = "ALTER TABLE users\n", Message = "exit code 1" } };

    [Fact]
    public async Task A_run_asked_for_again_is_the_one_already_stored_with_its_progress()
    {
        var created = await Store.CreateHookRunAsync("web", "prod", Run(Migrate), Ct);
        Assert.Equal(HookPhase.Pending, created.Run.Phase);
        await Store.SaveHookRunAsync(created with { Run = created.Run with { Phase = HookPhase.Running, Attempts = 1, Pid = 4242, ProcessStartTime = 99 } }, Ct);

        var again = await Store.CreateHookRunAsync("web", "prod", Run(Migrate), Ct);
        Assert.Equal(created.Id, again.Id);
        Assert.Equal((HookPhase.Running, 1, 4242), (again.Run.Phase, again.Run.Attempts, again.Run.Pid));
        Assert.Equal(Migrate.Irreversible, again.Run.Hook.Irreversible);
        Assert.Equal(new SecretKeyRef("db", "url"), ((JobHookAction)again.Run.Hook.Action).Env[0].SecretKeyRef);
        Assert.Equal(Started, again.Run.Key.RolloutStartedAt);

        // Another rollout of the same revision is another run.
        var retried = await Store.CreateHookRunAsync("web", "prod", Run(Migrate, started: Started.AddMinutes(1)), Ct);
        Assert.NotEqual(created.Id, retried.Id);
    }

    [Fact]
    public async Task Unfinished_runs_are_found_for_a_starting_server_whatever_the_bound()
    {
        var pending = await Store.CreateHookRunAsync("web", "prod", Run(Migrate, revision: 2), Ct);
        for (var revision = 3; revision <= 8; revision++)
        {
            var run = await Store.CreateHookRunAsync("web", "prod", Run(Migrate with { Irreversible = null }, revision), Ct);
            await Store.SaveHookRunAsync(Finished(run, HookPhase.Failed), Ct);
        }

        await Store.CreateHookRunAsync("api", "prod", Run(Migrate), Ct);

        Assert.Equal([pending.Id], (await Store.ListUnfinishedHookRunsAsync(Ct)).Where(r => r.App == "web").Select(r => r.Id));
        var kept = await Store.ListHookRunsAsync("web", "prod", 100, Ct);
        Assert.Equal([8, 7, 6, 2], kept.Select(r => r.Run.Key.Revision)); // the newest 3, and the one still to run
        Assert.Single(await Store.ListUnfinishedHookRunsAsync(Ct), r => r.App == "api");
    }

    [Fact]
    public async Task Succeeded_irreversible_runs_are_listed_per_revision_and_outlive_the_bound_while_their_revision_is_kept()
    {
        await Store.SaveAppAsync(App(desiredRevision: 2), Revision(2), RolloutStatus.Empty, [], Ct);
        var migrated = await Store.CreateHookRunAsync("web", "prod", Run(Migrate, revision: 2), Ct);
        await Store.SaveHookRunAsync(Finished(migrated, HookPhase.Succeeded), Ct);
        var failed = await Store.CreateHookRunAsync("web", "prod", Run(Migrate, revision: 3), Ct);
        await Store.SaveHookRunAsync(Finished(failed, HookPhase.Failed), Ct);
        for (var id = 1; id <= 5; id++)
        {
            await Store.CreateEventHookRunsAsync("web", "prod", "notify", [EventRun(id)], id, Ct);
        }

        var irreversible = Assert.Single(await Store.ListIrreversibleHookRunsAsync("web", "prod", 2, Ct));
        Assert.Equal(("migrate", "adds column users.email_verified", HookPhase.Succeeded), (irreversible.Run.Key.Hook, irreversible.Run.Hook.Irreversible!.Reason, irreversible.Run.Phase));
        Assert.Empty(await Store.ListIrreversibleHookRunsAsync("web", "prod", 3, Ct)); // it failed: nothing to undo
        Assert.Single(await Store.ListIrreversibleHookRunsAsync("web", "prod", null, Ct));
        Assert.DoesNotContain(await Store.ListHookRunsAsync("web", "prod", 100, Ct), r => r.Id == failed.Id); // beyond the bound

        // Once its revision is gone, the record goes with the next prune.
        await Store.DeleteRevisionsAsync("web", "prod", [2], Ct); // the desired revision: kept
        await Store.SaveAppAsync(App(desiredRevision: 3), Revision(3), RolloutStatus.Empty, [], Ct);
        await Store.DeleteRevisionsAsync("web", "prod", [2], Ct);
        await Store.CreateEventHookRunsAsync("web", "prod", "notify", [EventRun(6)], 6, Ct);
        Assert.Empty(await Store.ListIrreversibleHookRunsAsync("web", "prod", 2, Ct));
    }

    [Fact]
    public async Task Event_runs_are_made_once_per_event_with_the_cursor_that_says_how_far_they_go()
    {
        Assert.Null(await Store.GetHookCursorAsync("web", "prod", "notify", Ct));
        await Store.CreateEventHookRunsAsync("web", "prod", "notify", [], 4, Ct); // starts after the events already there
        Assert.Equal(4, await Store.GetHookCursorAsync("web", "prod", "notify", Ct));

        var runs = await Store.CreateEventHookRunsAsync("web", "prod", "notify", [EventRun(5), EventRun(6)], 6, Ct);
        Assert.Equal([5L, 6L], runs.Select(r => r.Run.Key.EventId));
        Assert.Equal("event 6", runs[1].Run.Moment.Event!.Message);
        Assert.Equal(6, await Store.GetHookCursorAsync("web", "prod", "notify", Ct));

        // The same events again (a pass repeated after a crash) make no new runs, and the cursor never goes back.
        var again = await Store.CreateEventHookRunsAsync("web", "prod", "notify", [EventRun(6)], 5, Ct);
        Assert.Equal(runs[1].Id, Assert.Single(again).Id);
        Assert.Equal(6, await Store.GetHookCursorAsync("web", "prod", "notify", Ct));
    }

    [Fact]
    public async Task Events_after_an_id_are_listed_oldest_first()
    {
        await Store.SaveStatusAsync("web", "prod", RolloutStatus.Empty, [new NewEvent(1, "A", "a"), new NewEvent(1, "B", "b"), new NewEvent(2, "C", "c")], Ct);
        await Store.SaveStatusAsync("api", "prod", RolloutStatus.Empty, [new NewEvent(1, "X", "x")], Ct);
        var all = await Store.ListEventsAfterAsync("web", "prod", 0, 10, Ct);
        Assert.Equal(["A", "B", "C"], all.Select(e => e.Reason));
        Assert.Equal(["B"], (await Store.ListEventsAfterAsync("web", "prod", all[0].Id, 1, Ct)).Select(e => e.Reason));
    }

    [Fact]
    public async Task Deleting_the_app_forgets_its_hook_runs_and_cursors()
    {
        await Store.SaveAppAsync(App(), Revision(1), RolloutStatus.Empty, [], Ct);
        var run = await Store.CreateHookRunAsync("web", "prod", Run(Migrate), Ct);
        await Store.CreateEventHookRunsAsync("web", "prod", "notify", [EventRun(1)], 1, Ct);

        await Store.DeleteAppAsync("web", "prod", Ct);

        Assert.Empty(await Store.ListHookRunsAsync("web", "prod", 10, Ct));
        Assert.Empty(await Store.ListUnfinishedHookRunsAsync(Ct));
        Assert.Null(await Store.GetHookCursorAsync("web", "prod", "notify", Ct));

        // A runner still holding a run of the deleted app cannot bring it back.
        await Store.SaveHookRunAsync(Finished(run, HookPhase.Succeeded), Ct);
        Assert.Empty(await Store.ListHookRunsAsync("web", "prod", 10, Ct));
    }

    [Fact]
    public async Task A_store_of_the_first_version_gets_hook_runs_and_keeps_its_data()
    {
        using var data = DataDirectory.WithFixture("slipway-v1.db");
        var store = await SqliteStore.OpenAsync(data.StorePath, new ManualTimeProvider(Started), Ct);
        Assert.Equal(2, (await store.ListRevisionsAsync("web", "dev", Ct)).Count);
        var run = await store.CreateHookRunAsync("web", "dev", Run(Migrate), Ct);
        Assert.Equal(run.Id, Assert.Single(await store.ListHookRunsAsync("web", "dev", 10, Ct)).Id);
        Assert.Equal(11, (await store.ListEventsAfterAsync("web", "dev", 0, 100, Ct)).Count);
    }
}
