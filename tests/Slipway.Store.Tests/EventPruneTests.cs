using Slipway.Core.Rollouts;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// The event retention prunes once every tenth of its size per app×env, not at every insert (finding the cut walks
/// the kept events): an app×env holds fewer than the kept number plus that tenth, always its newest. A store written
/// before the retention, or with a larger one, is pruned at each app×env's first write after it is opened.
/// </summary>
public sealed class EventPruneTests : StoreTest
{
    private const int Kept = 50;

    private protected override StoreOptions Options => new() { EventsPerApp = Kept };

    [Fact]
    public async Task An_app_env_never_holds_a_tenth_more_than_it_keeps_and_always_its_newest()
    {
        Assert.Equal(5, Options.PruneEvery);
        var counts = new List<int>();
        for (var n = 0; n < 200; n++)
        {
            await Store.SaveStatusAsync("web", "prod", MidCanary(), [new NewEvent(null, Reasons.StepCompleted, $"e{n}")], Ct);
            var events = await Store.ListEventsAsync("web", "prod", 1000, Ct);
            Assert.Equal($"e{n}", events[^1].Message);
            Assert.Equal(events.Count, events.Select(e => e.Message).Distinct().Count());
            counts.Add(events.Count);
        }

        Assert.InRange(counts.Max(), Kept, Kept + Options.PruneEvery - 1);
        Assert.Contains(Kept, counts.Skip(Kept)); // pruned down to the kept number, again and again
    }

    [Fact]
    public async Task A_store_with_more_events_than_kept_is_pruned_at_the_first_write_after_opening()
    {
        await Store.SaveStatusAsync("web", "prod", MidCanary(), [new NewEvent(null, Reasons.StepCompleted, "first")], Ct);
        await RawDatabase.ExecuteAsync(Fixture.Path, string.Join(
            ";",
            Enumerable.Range(0, 300).Select(n => $"INSERT INTO events (app, env, revision, time, reason, message) VALUES ('web', 'prod', NULL, '2026-03-14T09:26:53.0000000+00:00', 'StepCompleted', 'old {n}')")));
        await Fixture.ReopenAsync();

        await Store.SaveStatusAsync("web", "prod", MidCanary(), [new NewEvent(null, Reasons.StepCompleted, "after reopening")], Ct);

        var events = await Store.ListEventsAsync("web", "prod", 1000, Ct);
        Assert.Equal(Kept, events.Count);
        Assert.Equal("after reopening", events[^1].Message);
    }
}
