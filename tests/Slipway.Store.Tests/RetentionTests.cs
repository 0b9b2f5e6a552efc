using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// The store stays bounded: each app×env keeps its newest events only, and revisions the history limit lets go are
/// deleted — never the desired one. Housekeeping reads every revision in one query.
/// </summary>
public sealed class RetentionTests : StoreTest
{
    private const int Kept = 5;

    private protected override StoreOptions Options => new() { EventsPerApp = Kept };

    [Fact]
    public async Task Each_app_env_keeps_its_newest_events_and_the_others_keep_theirs()
    {
        await Store.SaveAppAsync(App("web", "prod"), Revision(1), MidCanary(), [new NewEvent(1, Reasons.RolloutStarted, "web 0")], Ct);
        await Store.SaveAppAsync(App("api", "prod"), Revision(1, "api"), MidCanary(), [new NewEvent(1, Reasons.RolloutStarted, "api 0")], Ct);

        for (var n = 1; n < 40; n++)
        {
            await Store.SaveStatusAsync("web", "prod", MidCanary(), [new NewEvent(1, Reasons.StepCompleted, $"web {n}")], Ct);
        }

        var web = await Store.ListEventsAsync("web", "prod", 1000, Ct);
        Assert.Equal(["web 35", "web 36", "web 37", "web 38", "web 39"], web.Select(e => e.Message));
        Assert.Equal(["api 0"], (await Store.ListEventsAsync("api", "prod", 1000, Ct)).Select(e => e.Message));
        Assert.Equal(Kept + 1, await RawDatabase.CountAsync(Fixture.Path, "events"));
    }

    [Fact]
    public async Task One_write_of_more_events_than_kept_keeps_its_newest()
    {
        var events = Enumerable.Range(0, 12).Select(n => new NewEvent(null, Reasons.StepCompleted, $"e{n}")).ToList();

        await Store.SaveStatusAsync("web", "prod", MidCanary(), events, Ct);

        Assert.Equal(["e7", "e8", "e9", "e10", "e11"], (await Store.ListEventsAsync("web", "prod", 1000, Ct)).Select(e => e.Message));
    }

    [Fact]
    public async Task A_status_saved_without_events_deletes_none()
    {
        await Store.SaveStatusAsync("web", "prod", MidCanary(), [new NewEvent(null, Reasons.StepCompleted, "kept")], Ct);

        await Store.SaveStatusAsync("web", "prod", MidCanary(), [], Ct);

        Assert.Equal(["kept"], (await Store.ListEventsAsync("web", "prod", 1000, Ct)).Select(e => e.Message));
    }

    [Fact]
    public async Task Revision_summaries_name_every_revision_of_every_app_with_its_artifact_digest()
    {
        var unhashed = Template() with { Artifact = new ArtifactRef("/srv/old") };
        await Store.SaveAppAsync(App("web", "prod"), Revision(1), MidCanary(), [], Ct);
        await Store.SaveAppAsync(App("web", "prod", desiredRevision: 2), Revision(2, template: Template("v2") with { Artifact = new ArtifactRef("/srv/web", "sha256:" + new string('b', 64)) }), MidCanary(), [], Ct);
        await Store.SaveAppAsync(App("api", "dev"), Revision(1, "api", "dev", unhashed), MidCanary(), [], Ct);

        var summaries = await Store.ListRevisionSummariesAsync(Ct);

        Assert.Equal(
            [
                new RevisionSummary("api", "dev", 1, null),
                new RevisionSummary("web", "prod", 1, "sha256:" + new string('a', 64)),
                new RevisionSummary("web", "prod", 2, "sha256:" + new string('b', 64)),
            ],
            summaries);
    }

    [Fact]
    public async Task Deleting_revisions_deletes_those_asked_in_that_app_env_only_and_never_the_desired_one()
    {
        await Store.SaveAppAsync(App("web", "prod", desiredRevision: 1), Revision(1), MidCanary(), [], Ct);
        await Store.SaveAppAsync(App("web", "staging", desiredRevision: 1), Revision(1, env: "staging"), MidCanary(), [], Ct);
        for (var n = 2; n <= 4; n++)
        {
            await Store.SaveAppAsync(App("web", "prod", desiredRevision: 2), Revision(n), MidCanary(), [], Ct);
            await Store.SaveAppAsync(App("web", "staging", desiredRevision: 1), Revision(n, env: "staging"), MidCanary(), [], Ct);
        }

        var deleted = await Store.DeleteRevisionsAsync("web", "prod", [1, 2, 3], Ct);

        Assert.Equal(2, deleted);
        Assert.Equal([2, 4], (await Store.ListRevisionsAsync("web", "prod", Ct)).Select(r => r.Number));
        Assert.Equal([1, 2, 3, 4], (await Store.ListRevisionsAsync("web", "staging", Ct)).Select(r => r.Number));
        Assert.Equal(0, await Store.DeleteRevisionsAsync("web", "prod", [], Ct));
    }
}
