using Microsoft.Data.Sqlite;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>Apps, their revisions and the first status are saved together and read back as they were.</summary>
public sealed class AppPersistenceTests : StoreTest
{
    [Fact]
    public async Task A_saved_app_reads_back_with_its_revision_status_and_events()
    {
        var app = App();
        var revision = Revision(1);
        var status = RolloutCommands.StartRevision(RolloutStatus.Empty, 1, TemporaryStore.Start).Status!;

        await Store.SaveAppAsync(app, revision, status, [new NewEvent(1, Reasons.RolloutStarted, "revision 1 created (first revision); rolling out")], Ct);

        var read = await Store.GetAppAsync("web", "prod", Ct);
        Assert.NotNull(read);
        Assert.Equal(("web", "prod", 1, app.CreatedAt, app.UpdatedAt), (read.App, read.Environment, read.DesiredRevision, read.CreatedAt, read.UpdatedAt));
        Assert.Equal(Json(app.Spec), Json(read.Spec));

        var stored = Assert.Single(await Store.ListRevisionsAsync("web", "prod", Ct));
        Assert.Equal((1, "hash-1", "first revision", revision.CreatedAt), (stored.Number, stored.TemplateHash, stored.ChangeCause, stored.CreatedAt));
        Assert.Equal(Json(revision.Template), Json(stored.Template));

        Assert.True(status.IsEquivalentTo(await Store.GetStatusAsync("web", "prod", Ct)));

        var e = Assert.Single(await Store.ListEventsAsync("web", "prod", 10, Ct));
        Assert.Equal((1, Reasons.RolloutStarted, "revision 1 created (first revision); rolling out"), (e.Revision, e.Reason, e.Message));
        Assert.Equal(("web", "prod", TemporaryStore.Start), (e.App, e.Environment, e.Time));
    }

    [Fact]
    public async Task A_template_keeps_its_probe_actions_by_kind()
    {
        await Store.SaveAppAsync(App(), Revision(1, template: Template()), RolloutStatus.Empty, [], Ct);

        var template = Assert.Single(await Store.ListRevisionsAsync("web", "prod", Ct)).Template;

        Assert.Equal(new ArtifactRef("/srv/web/out", "sha256:" + new string('a', 64)), template.Artifact);
        Assert.Equal(["Slipway.Sample.dll", "--verbose"], template.Args);
        Assert.Equal([new EnvVar("VERSION", "v1"), new EnvVar("CACHE_SIZE", "512")], template.Env);
        Assert.Equal((8080, 45), (template.Port, template.TerminationGracePeriodSeconds));
        Assert.Equal(new TcpSocketAction(null), template.Probes.Startup?.Action);
        Assert.Equal(new HttpGetAction("/healthz", 9090), template.Probes.Readiness?.Action);
        var exec = Assert.IsType<ExecAction>(template.Probes.Liveness?.Action);
        Assert.Equal(["./check", "--live"], exec.Command);
        Assert.Equal((0, 10, 4, 5, 1), (template.Probes.Liveness!.InitialDelaySeconds, template.Probes.Liveness.PeriodSeconds, template.Probes.Liveness.TimeoutSeconds, template.Probes.Liveness.FailureThreshold, template.Probes.Liveness.SuccessThreshold));
        Assert.Equal(Json(Template()), Json(template));
    }

    [Fact]
    public async Task A_template_without_probes_or_port_stays_without_them()
    {
        var bare = new InstanceTemplate(new ArtifactRef("/srv/web/out"), "./web", [], [], null, ProbeSet.None, 30);

        await Store.SaveAppAsync(App(spec: Spec(bare)), Revision(1, template: bare), RolloutStatus.Empty, [], Ct);

        var template = Assert.Single(await Store.ListRevisionsAsync("web", "prod", Ct)).Template;
        Assert.Equal(ProbeSet.None, template.Probes);
        Assert.Null(template.Port);
        Assert.Null(template.Artifact.Digest);
        Assert.Empty(template.Args);
        Assert.Empty(template.Env);
    }

    [Fact]
    public async Task A_canary_strategy_keeps_its_steps_in_order_and_by_kind()
    {
        await Store.SaveAppAsync(App(spec: Spec(strategy: Canary())), Revision(1), RolloutStatus.Empty, [], Ct);

        var read = await Store.GetAppAsync("web", "prod", Ct);

        var canary = Assert.IsType<CanaryStrategy>(read?.Spec.Strategy);
        Assert.Collection(
            canary.Steps,
            s =>
            {
                var header = Assert.IsType<SetHeaderRouteStep>(s);
                Assert.Equal("beta", header.Name);
                Assert.Equal([new HeaderMatch("X-Canary", new StringMatch(Exact: "yes")), new HeaderMatch("User-Agent", new StringMatch(Regex: "^curl/"))], header.Match);
            },
            s => Assert.Equal(new PauseStep(null), s),
            s => Assert.Equal(new SetMirrorStep(20), s),
            s => Assert.Equal(new PauseStep(TimeSpan.FromMinutes(2)), s),
            s => Assert.Equal(new SetWeightStep(10), s),
            s => Assert.Equal(new PauseStep(TimeSpan.FromSeconds(90)), s),
            s => Assert.Equal(new SetWeightStep(100), s));
    }

    [Theory]
    [InlineData("recreate")]
    [InlineData("rolling")]
    [InlineData("blueGreen")]
    [InlineData("canary")]
    public async Task Every_strategy_reads_back_as_the_same_kind_with_the_same_settings(string strategy)
    {
        var spec = Spec(strategy: Strategy(strategy));

        await Store.SaveAppAsync(App(spec: spec), Revision(1), RolloutStatus.Empty, [], Ct);

        var read = await Store.GetAppAsync("web", "prod", Ct);
        Assert.Equal(spec.Strategy.GetType(), read?.Spec.Strategy.GetType());
        Assert.Equal(Json(spec), Json(read!.Spec));
        if (strategy != "canary")
        {
            // Strategies without lists compare by value as records.
            Assert.Equal(spec.Strategy, read.Spec.Strategy);
        }
    }

    [Fact]
    public async Task Revisions_are_listed_by_number_whatever_the_order_they_were_saved_in()
    {
        foreach (var number in new[] { 3, 1, 2 })
        {
            await Store.SaveAppAsync(App(desiredRevision: number), Revision(number, cause: $"cause {number}"), RolloutStatus.Empty, [], Ct);
        }

        var revisions = await Store.ListRevisionsAsync("web", "prod", Ct);

        Assert.Equal([1, 2, 3], revisions.Select(r => r.Number));
        Assert.Equal(["cause 1", "cause 2", "cause 3"], revisions.Select(r => r.ChangeCause));
        Assert.Equal(["v1", "v2", "v3"], revisions.Select(r => r.Template.Env[0].Value));
    }

    [Fact]
    public async Task Saving_again_without_a_revision_updates_the_app_keeps_its_revisions_and_its_creation_time()
    {
        await Store.SaveAppAsync(App(spec: Spec(replicas: 3)), Revision(1), RolloutStatus.Empty, [], Ct);
        var later = TemporaryStore.Start.AddHours(2);

        await Store.SaveAppAsync(App(spec: Spec(replicas: 5), at: later), null, RolloutStatus.Empty, [], Ct);

        var read = await Store.GetAppAsync("web", "prod", Ct);
        Assert.Equal(5, read?.Spec.Replicas);
        Assert.Equal(TemporaryStore.Start, read?.CreatedAt);
        Assert.Equal(later, read?.UpdatedAt);
        Assert.Equal([1], (await Store.ListRevisionsAsync("web", "prod", Ct)).Select(r => r.Number));
    }

    [Fact]
    public async Task An_unknown_app_is_not_found_and_has_no_revisions()
    {
        await Store.SaveAppAsync(App(), Revision(1), RolloutStatus.Empty, [], Ct);

        Assert.Null(await Store.GetAppAsync("api", "prod", Ct));
        Assert.Null(await Store.GetAppAsync("web", "staging", Ct));
        Assert.Empty(await Store.ListRevisionsAsync("web", "staging", Ct));
    }

    [Fact]
    public async Task Apps_are_listed_by_name_then_environment()
    {
        foreach (var (app, env) in new[] { ("web", "prod"), ("api", "staging"), ("web", "dev"), ("api", "dev") })
        {
            await Store.SaveAppAsync(App(app, env), Revision(1, app, env), RolloutStatus.Empty, [], Ct);
        }

        var apps = await Store.ListAppsAsync(Ct);

        Assert.Equal([("api", "dev"), ("api", "staging"), ("web", "dev"), ("web", "prod")], apps.Select(a => (a.App, a.Environment)));
    }

    [Fact]
    public async Task A_save_that_fails_changes_nothing()
    {
        var before = RolloutCommands.StartRevision(RolloutStatus.Empty, 1, TemporaryStore.Start).Status!;
        await Store.SaveAppAsync(App(spec: Spec(replicas: 3)), Revision(1), before, [new NewEvent(1, Reasons.RolloutStarted, "first")], Ct);

        // Revision 1 exists already: the insert fails after the app row was written in the same transaction.
        await Assert.ThrowsAsync<SqliteException>(() => Store.SaveAppAsync(
            App(spec: Spec(replicas: 7), desiredRevision: 1),
            Revision(1, template: Template("other")),
            RolloutCommands.StartRevision(before, 2, TemporaryStore.Start).Status!,
            [new NewEvent(2, Reasons.RolloutStarted, "second")],
            Ct));

        Assert.Equal(3, (await Store.GetAppAsync("web", "prod", Ct))?.Spec.Replicas);
        Assert.Equal("v1", Assert.Single(await Store.ListRevisionsAsync("web", "prod", Ct)).Template.Env[0].Value);
        Assert.True(before.IsEquivalentTo(await Store.GetStatusAsync("web", "prod", Ct)));
        Assert.Equal(["first"], (await Store.ListEventsAsync("web", "prod", 10, Ct)).Select(e => e.Message));
    }

    [Fact]
    public async Task Several_apps_saved_together_are_saved_all_or_none()
    {
        var started = RolloutCommands.StartRevision(RolloutStatus.Empty, 1, TemporaryStore.Start).Status!;
        await Store.SaveAppAsync(App(), Revision(1), started, [], Ct);

        // The second change repeats revision 1 of web/prod: the whole save fails, api/prod included.
        await Assert.ThrowsAsync<SqliteException>(() => Store.SaveAppsAsync(
            [
                new AppChange(App("api", "prod"), Revision(1, "api", "prod"), started, [new NewEvent(1, Reasons.RolloutStarted, "api")]),
                new AppChange(App(desiredRevision: 1), Revision(1, template: Template("other")), started, []),
            ],
            Ct));
        Assert.Null(await Store.GetAppAsync("api", "prod", Ct));
        Assert.Empty(await Store.ListRevisionsAsync("api", "prod", Ct));
        Assert.Empty(await Store.ListEventsAsync("api", "prod", 10, Ct));

        await Store.SaveAppsAsync(
            [
                new AppChange(App("api", "prod"), Revision(1, "api", "prod"), started, []),
                new AppChange(App("web", "staging"), Revision(1, "web", "staging"), started, []),
            ],
            Ct);
        Assert.Equal([("api", "prod"), ("web", "prod"), ("web", "staging")], (await Store.ListAppsAsync(Ct)).Select(a => (a.App, a.Environment)));
    }
}
