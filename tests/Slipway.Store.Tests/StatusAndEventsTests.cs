using Slipway.Core.Rollouts;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>The rollout status is replaced as a whole; events accumulate and are read newest-last.</summary>
public sealed class StatusAndEventsTests : StoreTest
{
    [Fact]
    public async Task The_status_of_an_unknown_app_is_empty()
    {
        var status = await Store.GetStatusAsync("nobody", "prod", Ct);

        Assert.True(status.IsEquivalentTo(RolloutStatus.Empty));
        Assert.Null(status.StableRevision);
        Assert.Null(status.UpdatedRevision);
        Assert.False(status.InProgress);
    }

    [Fact]
    public async Task A_status_with_every_field_set_round_trips()
    {
        var status = MidCanary();

        await Store.SaveStatusAsync("web", "prod", status, [], Ct);

        var read = await Store.GetStatusAsync("web", "prod", Ct);
        Assert.True(status.IsEquivalentTo(read), $"expected {Json(status)}{Environment.NewLine}got      {Json(read)}");
        Assert.Equal(RolloutPhase.Paused, read.Phase);
        Assert.Equal("beta", read.HeaderRoute?.Name);
        Assert.Equal(TemporaryStore.Start.AddSeconds(30), read.PauseStartedAt);
        Assert.Equal("Available", Assert.Single(read.Conditions).Type);
    }

    [Fact]
    public async Task Saving_a_status_replaces_the_previous_one_and_appends_its_events_in_order()
    {
        await Store.SaveAppAsync(App(), Revision(1), RolloutCommands.StartRevision(RolloutStatus.Empty, 1, TemporaryStore.Start).Status!, [new NewEvent(1, Reasons.RolloutStarted, "started")], Ct);
        Fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var paused = MidCanary();

        await Store.SaveStatusAsync("web", "prod", paused, [new NewEvent(2, Reasons.StepCompleted, "step 1"), new NewEvent(2, Reasons.CanaryPauseStep, "paused")], Ct);

        Fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var healthy = new RolloutStatus { StableRevision = 2, UpdatedRevision = 2, Phase = RolloutPhase.Healthy, Reason = Reasons.RolloutCompleted };
        await Store.SaveStatusAsync("web", "prod", healthy, [new NewEvent(null, Reasons.RolloutCompleted, "done")], Ct);

        var read = await Store.GetStatusAsync("web", "prod", Ct);
        Assert.True(healthy.IsEquivalentTo(read), Json(read));
        Assert.Null(read.HeaderRoute);
        Assert.Empty(read.Conditions);

        var events = await Store.ListEventsAsync("web", "prod", 10, Ct);
        Assert.Equal(["started", "step 1", "paused", "done"], events.Select(e => e.Message));
        Assert.Equal([1, 2, 2, null], events.Select(e => e.Revision));
        Assert.Equal(
            [TemporaryStore.Start, TemporaryStore.Start.AddSeconds(5), TemporaryStore.Start.AddSeconds(5), TemporaryStore.Start.AddSeconds(10)],
            events.Select(e => e.Time));
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Id < pair.Second.Id), "event ids increase");
    }

    [Fact]
    public async Task A_status_can_be_saved_without_events()
    {
        await Store.SaveStatusAsync("web", "prod", MidCanary(), [], Ct);

        Assert.Empty(await Store.ListEventsAsync("web", "prod", 10, Ct));
        Assert.Equal(2, (await Store.GetStatusAsync("web", "prod", Ct)).UpdatedRevision);
    }

    [Fact]
    public async Task Listing_events_returns_the_last_ones_oldest_first()
    {
        for (var i = 1; i <= 7; i++)
        {
            Fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await Store.SaveStatusAsync("web", "prod", RolloutStatus.Empty, [new NewEvent(i, Reasons.StepCompleted, $"event {i}")], Ct);
        }

        var last3 = await Store.ListEventsAsync("web", "prod", 3, Ct);
        var all = await Store.ListEventsAsync("web", "prod", 100, Ct);

        Assert.Equal(["event 5", "event 6", "event 7"], last3.Select(e => e.Message));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"event {i}"), all.Select(e => e.Message));
        Assert.Equal(all.Select(e => e.Time).Order(), all.Select(e => e.Time));
    }

    [Fact]
    public async Task Events_and_status_of_one_app_and_environment_are_not_seen_by_another()
    {
        await Store.SaveStatusAsync("web", "prod", MidCanary(), [new NewEvent(2, Reasons.CanaryPauseStep, "web prod")], Ct);
        await Store.SaveStatusAsync("web", "staging", RolloutStatus.Empty, [new NewEvent(1, Reasons.RolloutStarted, "web staging")], Ct);
        await Store.SaveStatusAsync("api", "prod", RolloutStatus.Empty, [new NewEvent(1, Reasons.RolloutStarted, "api prod")], Ct);

        Assert.Equal(["web prod"], (await Store.ListEventsAsync("web", "prod", 10, Ct)).Select(e => e.Message));
        Assert.Equal(["web staging"], (await Store.ListEventsAsync("web", "staging", 10, Ct)).Select(e => e.Message));
        Assert.True((await Store.GetStatusAsync("web", "staging", Ct)).IsEquivalentTo(RolloutStatus.Empty));
        Assert.True((await Store.GetStatusAsync("web", "prod", Ct)).IsEquivalentTo(MidCanary()));
    }
}
