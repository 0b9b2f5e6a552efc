using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Apply;

/// <summary>
/// Applying a spec file against a real SQLite store: accepted specs become apps and numbered
/// revisions; a template change is a new revision, anything else is not; a rejected file saves nothing.
/// </summary>
public sealed class ApplyServiceTests : IAsyncLifetime
{
    private const string FileName = "apps/web.yaml";

    private readonly TemporaryDirectory _temp = new();
    private readonly WorkQueue _queue = new(TimeProvider.System);
    private SqliteStore _store = null!;
    private ArtifactStore _artifacts = null!;
    private ApplyService _service = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string ArtifactDirectory => _temp.Combine("artifacts", "web");

    public async Task InitializeAsync()
    {
        _temp.WriteFile("artifacts/web/app.dll", "code v1");
        _store = await SqliteStore.OpenAsync(_temp.Combine("data", "slipway.db"), TimeProvider.System, Ct);
        var options = new ServerOptions(_temp.Combine("data"));
        _artifacts = new ArtifactStore(options);
        _service = ApplyServices.Create(_store, _artifacts, new ControlPlaneLock(), TimeProvider.System, _queue, options);
    }

    public Task DisposeAsync()
    {
        _queue.Dispose();
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_valid_spec_creates_revision_one_and_starts_rolling_it_out()
    {
        var outcome = await ApplyAsync(Spec());

        Assert.Empty(outcome.Errors);
        Assert.Equal(new AppliedApp("web", "dev", 1, RevisionCreated: true, Unchanged: false, RolloutStarted: true), Assert.Single(outcome.Applied));

        var app = await _store.GetAppAsync("web", "dev", Ct);
        Assert.Equal((1, 2), (app?.DesiredRevision, app?.Spec.Replicas));
        var revision = Assert.Single(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.Equal((1, "first revision"), (revision.Number, revision.ChangeCause));
        Assert.Equal(ArtifactDirectory, revision.Template.Artifact.Path);
        Assert.Equal(await ArtifactDigest.ComputeAsync(ArtifactDirectory, Ct), revision.Template.Artifact.Digest);
        Assert.Equal([new EnvVar("VERSION", "v1")], revision.Template.Env);

        var status = await _store.GetStatusAsync("web", "dev", Ct);
        Assert.Equal(1, status.UpdatedRevision);
        Assert.Null(status.StableRevision);
        Assert.Equal(RolloutPhase.Progressing, status.Phase);
        var e = Assert.Single(await _store.ListEventsAsync("web", "dev", 10, Ct));
        Assert.Equal((1, Reasons.RolloutStarted), (e.Revision, e.Reason));
    }

    [Fact]
    public async Task An_accepted_spec_queues_its_app_for_the_reconciler()
    {
        Assert.Equal(0, _queue.Depth);

        await ApplyAsync(Spec());

        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (key, _) = await _queue.TakeAsync(safety.Token);
        Assert.Equal(new AppKey("web", "dev"), key);
    }

    [Fact]
    public async Task Applying_the_same_spec_again_changes_nothing()
    {
        await ApplyAsync(Spec());
        var app = await _store.GetAppAsync("web", "dev", Ct);
        var status = await _store.GetStatusAsync("web", "dev", Ct);

        var outcome = await ApplyAsync(Spec());

        Assert.Equal(new AppliedApp("web", "dev", 1, RevisionCreated: false, Unchanged: true), Assert.Single(outcome.Applied));
        Assert.Single(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.Equal(app?.UpdatedAt, (await _store.GetAppAsync("web", "dev", Ct))?.UpdatedAt);
        Assert.True(status.IsEquivalentTo(await _store.GetStatusAsync("web", "dev", Ct)));
        Assert.Single(await _store.ListEventsAsync("web", "dev", 10, Ct));
    }

    [Fact]
    public async Task Applying_the_same_spec_again_keeps_the_revision_and_the_rollout()
    {
        await ApplyAsync(Spec());
        var status = await _store.GetStatusAsync("web", "dev", Ct);

        var outcome = await ApplyAsync(Spec());

        var applied = Assert.Single(outcome.Applied);
        Assert.Equal((1, false), (applied.Revision, applied.RevisionCreated));
        Assert.Single(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.True(status.IsEquivalentTo(await _store.GetStatusAsync("web", "dev", Ct)));
        Assert.Single(await _store.ListEventsAsync("web", "dev", 10, Ct), e => e.Reason == Reasons.RolloutStarted);
    }

    [Fact]
    public async Task Changing_only_replicas_keeps_the_revision_and_does_not_restart_the_rollout()
    {
        await ApplyAsync(Spec(replicas: 2));
        var status = await _store.GetStatusAsync("web", "dev", Ct);

        var outcome = await ApplyAsync(Spec(replicas: 5));

        Assert.Equal(new AppliedApp("web", "dev", 1, RevisionCreated: false, Unchanged: false), Assert.Single(outcome.Applied));
        Assert.Equal(5, (await _store.GetAppAsync("web", "dev", Ct))?.Spec.Replicas);
        Assert.Single(await _store.ListRevisionsAsync("web", "dev", Ct));
        // Only the generation moves on: a status planned before the new replicas were seen is not current.
        Assert.True(status.NextGeneration().IsEquivalentTo(await _store.GetStatusAsync("web", "dev", Ct)));
        Assert.Equal([Reasons.RolloutStarted, Reasons.SpecUpdated], (await _store.ListEventsAsync("web", "dev", 10, Ct)).Select(e => e.Reason));
    }

    [Fact]
    public async Task Changing_an_env_value_creates_revision_two_whose_change_cause_names_the_variable()
    {
        await ApplyAsync(Spec(version: "v1"));

        var outcome = await ApplyAsync(Spec(version: "v2"));

        Assert.Equal(new AppliedApp("web", "dev", 2, RevisionCreated: true, Unchanged: false, RolloutStarted: true), Assert.Single(outcome.Applied));
        var revisions = await _store.ListRevisionsAsync("web", "dev", Ct);
        Assert.Equal([1, 2], revisions.Select(r => r.Number));
        Assert.Equal("changed env VERSION", revisions[1].ChangeCause);
        Assert.Equal([new EnvVar("VERSION", "v2")], revisions[1].Template.Env);
        Assert.Equal(2, (await _store.GetAppAsync("web", "dev", Ct))?.DesiredRevision);
        Assert.Equal(2, (await _store.GetStatusAsync("web", "dev", Ct)).UpdatedRevision);
        var last = (await _store.ListEventsAsync("web", "dev", 10, Ct))[^1];
        Assert.Equal((2, Reasons.RolloutStarted), (last.Revision, last.Reason));
        Assert.Contains("VERSION", last.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_change_cause_of_an_app_with_an_exec_probe_names_only_what_changed()
    {
        const string probes = """
              probes:
                liveness:
                  exec: {command: [./check]}
            """;
        await ApplyAsync(Spec(version: "v1", extra: probes));

        await ApplyAsync(Spec(version: "v2", extra: probes));

        Assert.Equal("changed env VERSION", (await _store.ListRevisionsAsync("web", "dev", Ct))[1].ChangeCause);
    }

    [Fact]
    public async Task Changing_the_artifact_content_creates_a_new_revision()
    {
        await ApplyAsync(Spec());
        _temp.WriteFile("artifacts/web/app.dll", "code v2");

        var outcome = await ApplyAsync(Spec());

        Assert.Equal((2, true), (Assert.Single(outcome.Applied).Revision, outcome.Applied[0].RevisionCreated));
        var revisions = await _store.ListRevisionsAsync("web", "dev", Ct);
        Assert.Equal("changed artifact", revisions[1].ChangeCause);
        Assert.NotEqual(revisions[0].Template.Artifact.Digest, revisions[1].Template.Artifact.Digest);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Each_revision_keeps_its_own_copy_of_the_artifact_when_the_directory_is_rebuilt_in_place()
    {
        _temp.WriteFile("artifacts/web/bin/tool", "#!/bin/sh\necho v1\n");
        File.SetUnixFileMode(Path.Combine(ArtifactDirectory, "bin", "tool"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ApplyAsync(Spec());
        _temp.WriteFile("artifacts/web/app.dll", "code v2");
        await ApplyAsync(Spec());

        var revisions = await _store.ListRevisionsAsync("web", "dev", Ct);
        var first = _artifacts.PathFor(revisions[0].Template.Artifact.Digest!);
        var second = _artifacts.PathFor(revisions[1].Template.Artifact.Digest!);
        Assert.Equal("code v1", File.ReadAllText(Path.Combine(first, "app.dll")));
        Assert.Equal("code v2", File.ReadAllText(Path.Combine(second, "app.dll")));
        Assert.True(File.GetUnixFileMode(Path.Combine(first, "bin", "tool")).HasFlag(UnixFileMode.UserExecute), "executables stay executable");
        Assert.Equal(revisions[0].Template.Artifact.Digest, await ArtifactDigest.ComputeAsync(first, Ct));
        Assert.Equal(2, Directory.GetDirectories(_temp.Combine("data", "artifacts")).Length); // no partial copy left
    }

    [Fact]
    public async Task Going_back_to_an_earlier_template_rolls_out_its_revision_again_without_a_new_one()
    {
        await ApplyAsync(Spec(version: "v1"));
        await ApplyAsync(Spec(version: "v2"));

        var outcome = await ApplyAsync(Spec(version: "v1"));

        Assert.Equal(new AppliedApp("web", "dev", 1, RevisionCreated: false, Unchanged: false, RolloutStarted: true), Assert.Single(outcome.Applied));
        Assert.Equal([1, 2], (await _store.ListRevisionsAsync("web", "dev", Ct)).Select(r => r.Number));
        Assert.Equal(1, (await _store.GetStatusAsync("web", "dev", Ct)).UpdatedRevision);
        Assert.Equal(1, (await _store.GetAppAsync("web", "dev", Ct))?.DesiredRevision);
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_happen_and_saves_nothing()
    {
        var outcome = await _service.ApplyAsync(Request(Spec()), dryRun: true, Ct);

        Assert.Equal(new AppliedApp("web", "dev", 1, RevisionCreated: true, Unchanged: false, RolloutStarted: true), Assert.Single(outcome.Applied));
        await AssertNothingSavedAsync();
        Assert.False(Directory.Exists(_temp.Combine("data", "artifacts")), "a dry run copies no artifact");
    }

    [Fact]
    public async Task A_spec_whose_artifact_directory_does_not_exist_is_rejected_and_nothing_is_saved()
    {
        var missing = _temp.Combine("artifacts", "missing");

        var outcome = await ApplyAsync(Spec(artifact: missing));

        Assert.Empty(outcome.Applied);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal((FileName, "spec.artifact.path"), (error.File, error.Path));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Equal(Line(Spec(artifact: missing), "path:"), error.Line);
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task A_file_with_one_bad_document_is_rejected_whole()
    {
        var yaml = Spec() + "---\n" + Spec(app: "api", artifact: _temp.Combine("artifacts", "missing"));

        var outcome = await ApplyAsync(yaml);

        Assert.Empty(outcome.Applied);
        Assert.Equal("spec.artifact.path", Assert.Single(outcome.Errors).Path);
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task A_file_of_several_documents_saves_every_app()
    {
        var outcome = await ApplyAsync(Spec() + "---\n" + Spec(app: "api") + "---\n" + Spec(environment: "staging"));

        Assert.Empty(outcome.Errors);
        Assert.Equal([("web", "dev"), ("api", "dev"), ("web", "staging")], outcome.Applied.Select(a => (a.App, a.Environment)));
        Assert.Equal([("api", "dev"), ("web", "dev"), ("web", "staging")], (await _store.ListAppsAsync(Ct)).Select(a => (a.App, a.Environment)));
        foreach (var (app, env) in new[] { ("web", "dev"), ("api", "dev"), ("web", "staging") })
        {
            Assert.Equal(1, (await _store.GetStatusAsync(app, env, Ct)).UpdatedRevision);
        }
    }

    [Fact]
    public async Task A_spec_with_a_parse_error_is_rejected_with_its_position_and_nothing_is_saved()
    {
        var yaml = Spec().Replace("replicas: 2", "replicas: three", StringComparison.Ordinal);

        var outcome = await ApplyAsync(yaml);

        Assert.Empty(outcome.Applied);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal((FileName, "spec.replicas", Line(yaml, "replicas:")), (error.File, error.Path, error.Line));
        await AssertNothingSavedAsync();
    }

    [Fact]
    public async Task A_second_app_claiming_the_same_route_host_is_rejected_naming_the_app_that_has_it()
    {
        await ApplyAsync(Spec(extra: RouteOn("shop.dev.localhost")));
        var api = Spec(app: "api", extra: RouteOn("shop.dev.localhost"));

        var outcome = await ApplyAsync(api);

        Assert.Empty(outcome.Applied);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal("spec.route", error.Path);
        Assert.Contains("app web", error.Message, StringComparison.Ordinal);
        Assert.Contains("shop.dev.localhost", error.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetAppAsync("api", "dev", Ct));
        Assert.Equal(["web"], (await _store.ListAppsAsync(Ct)).Select(a => a.App));
    }

    [Fact]
    public async Task A_second_app_claiming_the_blue_green_preview_host_of_another_is_rejected()
    {
        await ApplyAsync(Spec(extra: """
              strategy:
                blueGreen: {}
            """));

        var outcome = await ApplyAsync(Spec(app: "api", extra: RouteOn("web-preview.dev.localhost")));

        Assert.Equal("spec.route", Assert.Single(outcome.Errors).Path);
        Assert.Null(await _store.GetAppAsync("api", "dev", Ct));
    }

    [Fact]
    public async Task The_same_app_may_keep_its_own_route_and_another_environment_its_own_default_route()
    {
        await ApplyAsync(Spec(extra: RouteOn("shop.dev.localhost")));

        var again = await ApplyAsync(Spec(replicas: 3, extra: RouteOn("shop.dev.localhost")));
        var staging = await ApplyAsync(Spec(environment: "staging"));

        Assert.Empty(again.Errors);
        Assert.Empty(staging.Errors);
        Assert.Equal([("web", "dev"), ("web", "staging")], (await _store.ListAppsAsync(Ct)).Select(a => (a.App, a.Environment)));
    }

    private Task<ApplyOutcome> ApplyAsync(string yaml) => _service.ApplyAsync(Request(yaml), dryRun: false, Ct);

    private ApplyRequest Request(string yaml) => new(FileName, yaml, _temp.Path);

    private async Task AssertNothingSavedAsync()
    {
        Assert.Empty(await _store.ListAppsAsync(Ct));
        Assert.Empty(await _store.ListRevisionsAsync("web", "dev", Ct));
        Assert.Empty(await _store.ListEventsAsync("web", "dev", 10, Ct));
        Assert.True((await _store.GetStatusAsync("web", "dev", Ct)).IsEquivalentTo(RolloutStatus.Empty));
    }

    private static string RouteOn(string host) => $"""
          route:
            host: {host}
        """;

    private string Spec(string app = "web", string environment = "dev", int replicas = 2, string version = "v1", string? artifact = null, string extra = "") =>
        $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}
          environment: {environment}
        spec:
          artifact:
            path: {artifact ?? ArtifactDirectory}
          command: dotnet
          args: [app.dll]
          replicas: {replicas}
          env:
            - name: VERSION
              value: {version}
        {extra}
        """ + "\n";

    private static int Line(string yaml, string contains) =>
        Array.FindIndex(yaml.Split('\n'), l => l.Contains(contains, StringComparison.Ordinal)) + 1;
}
