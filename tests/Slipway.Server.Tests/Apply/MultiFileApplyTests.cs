using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Apply;

/// <summary>
/// Several spec files applied as one request (<c>slipway apply -f DIR</c>, <c>-f a -f b</c>): one unit, all or
/// nothing, every error of every file at once naming its own file, and no app×env or route claimed twice across them.
/// </summary>
public sealed class MultiFileApplyTests : IAsyncLifetime
{
    private ApplyHarness _harness = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private TemporaryDirectory Temp => _harness.Temp;

    private SqliteStore Store => _harness.Store;

    private ApplyService Service => _harness.Service;

    public async Task InitializeAsync() => _harness = await ApplyHarness.OpenAsync("out/app.dll", "code");

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_document_of_every_file_is_saved_in_the_order_given()
    {
        var outcome = await ApplyAsync(File("specs/api.yaml", Spec("api")), File("specs/web.yaml", Spec("web") + "---\n" + Spec("web", "staging")));

        Assert.Empty(outcome.Errors);
        Assert.Equal([("api", "dev"), ("web", "dev"), ("web", "staging")], outcome.Applied.Select(a => (a.App, a.Environment)));
        Assert.Equal(3, (await Store.ListAppsAsync(Ct)).Count);
        Assert.All(outcome.Applied, a => Assert.True(a.RevisionCreated && a.RolloutStarted));
    }

    [Fact]
    public async Task One_bad_file_among_three_saves_nothing_and_every_error_of_every_file_is_reported_with_its_file()
    {
        var api = Spec("api", extra: "  replicas: three\n");
        var worker = Spec("worker", extra: "  replcas: 2\n");

        var outcome = await ApplyAsync(File("a/web.yaml", Spec("web")), File("b/api.yaml", api), File("c/worker.yaml", worker));

        Assert.Empty(outcome.Applied);
        Assert.Collection(
            outcome.Errors,
            e => Assert.Equal(("b/api.yaml", Line(api, "replicas:"), "spec.replicas"), (e.File, e.Line, e.Path)),
            e => Assert.Equal(("c/worker.yaml", Line(worker, "replcas:"), "spec.replcas"), (e.File, e.Line, e.Path)));
        Assert.Contains("did you mean 'replicas'", outcome.Errors[1].Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAppsAsync(Ct));
    }

    [Fact]
    public async Task An_artifact_error_in_one_file_saves_none_of_the_others()
    {
        var bad = Spec("api").Replace(Temp.Combine("out"), Temp.Combine("missing"), StringComparison.Ordinal);

        var outcome = await ApplyAsync(File("web.yaml", Spec("web")), File("api.yaml", bad));

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("api.yaml", "spec.artifact.path"), (error.File, error.Path));
        Assert.Empty(await Store.ListAppsAsync(Ct));
        Assert.False(Directory.Exists(Temp.Combine("data", "artifacts")) && Directory.EnumerateFileSystemEntries(Temp.Combine("data", "artifacts")).Any(), "no artifact copied");
    }

    [Fact]
    public async Task The_same_app_and_environment_in_two_files_is_an_error_naming_both_places()
    {
        var outcome = await ApplyAsync(File("specs/web.yaml", Spec("web")), File("specs/web-copy.yaml", Spec("other") + "---\n" + Spec("web")));

        Assert.Empty(outcome.Applied);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("specs/web-copy.yaml", 14, "metadata.name"), (error.File, error.Line, error.Path));
        Assert.Equal("duplicate application web/dev: also defined at specs/web.yaml:4", error.Message);
        Assert.Empty(await Store.ListAppsAsync(Ct));
    }

    [Fact]
    public async Task A_route_claimed_in_two_files_is_an_error_naming_the_first_file()
    {
        var route = "  route: {host: shop.localhost}\n";

        var outcome = await ApplyAsync(File("web.yaml", Spec("web", extra: route)), File("api.yaml", Spec("api", extra: route)));

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("api.yaml", "spec.route"), (error.File, error.Path));
        Assert.Equal("duplicate route shop.localhost/: also used by web/dev (spec.route) at web.yaml:10", error.Message);
    }

    [Fact]
    public async Task A_route_already_used_by_a_saved_app_is_reported_in_the_file_that_claims_it()
    {
        await ApplyAsync(File("shop.yaml", Spec("shop", extra: "  route: {host: shop.localhost}\n")));

        var outcome = await ApplyAsync(File("web.yaml", Spec("web")), File("api.yaml", Spec("api", extra: "  route: {host: shop.localhost}\n")));

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("api.yaml", 10, "spec.route"), (error.File, error.Line, error.Path));
        Assert.Contains("already used by app shop", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAppAsync("web", "dev", Ct));
    }

    [Fact]
    public async Task The_requested_environment_applies_to_every_file_and_a_document_naming_another_is_refused()
    {
        var selected = await ApplyAsync("prod", File("web.yaml", Spec("web")), File("api.yaml", Spec("api")));

        Assert.Equal([("web", "prod"), ("api", "prod")], selected.Applied.Select(a => (a.App, a.Environment)));
        Assert.Null(await Store.GetAppAsync("web", "dev", Ct));

        var refused = await ApplyAsync("prod", File("worker.yaml", Spec("worker")), File("db.yaml", Spec("db", "staging")));

        var error = Assert.Single(refused.Errors);
        Assert.Equal(("db.yaml", "metadata.environment"), (error.File, error.Path));
        Assert.Contains("is 'staging', but environment 'prod' was requested (-e)", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAppAsync("worker", "prod", Ct));
    }

    [Fact]
    public async Task The_size_limit_holds_for_each_file_and_for_the_files_together()
    {
        var padding = "# " + new string('x', SpecText.MaxBytes * 3 / 4) + "\n";
        var large = "# " + new string('x', SpecText.MaxBytes) + "\n";

        var tooLargeTogether = await ApplyAsync(
            File("1.yaml", Spec("a") + padding), File("2.yaml", Spec("b") + padding), File("3.yaml", Spec("c") + padding), File("4.yaml", Spec("d") + padding));
        var tooLargeAlone = await ApplyAsync(File("small.yaml", Spec("a")), File("large.yaml", Spec("b") + large));

        var together = Assert.Single(tooLargeTogether.Errors);
        Assert.Equal("3.yaml", together.File); // 1.5 MiB with the first two, 2.25 MiB with it
        Assert.Contains("at most 2 MiB may be applied at once", together.Message, StringComparison.Ordinal);
        var alone = Assert.Single(tooLargeAlone.Errors);
        Assert.Equal("large.yaml", alone.File);
        Assert.Contains("a spec file may be at most 1 MiB", alone.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAppsAsync(Ct));
    }

    [Fact]
    public void A_request_is_one_file_or_several_never_both_nor_neither()
    {
        var file = new SpecFileContent("web.yaml", "x", "/tmp");

        Assert.Null(new ApplyRequest("web.yaml", "x", "/tmp").Problem());
        Assert.Null(ApplyRequest.Of([file, file with { FileName = "api.yaml" }]).Problem());
        Assert.Equal([file], new ApplyRequest("web.yaml", "x", "/tmp").AllFiles());
        Assert.Contains("not both", new ApplyRequest("web.yaml", "x", "/tmp", Files: [file]).Problem(), StringComparison.Ordinal);
        Assert.Contains("files is empty", ApplyRequest.Of([]).Problem(), StringComparison.Ordinal);
        Assert.Contains("needs fileName, content and baseDirectory", new ApplyRequest("web.yaml", null, "/tmp").Problem(), StringComparison.Ordinal);
        Assert.Contains("files[1] lacks", ApplyRequest.Of([file, new SpecFileContent("api.yaml", null!, "/tmp")]).Problem(), StringComparison.Ordinal);
    }

    private Task<ApplyOutcome> ApplyAsync(params SpecFileContent[] files) => ApplyAsync(null, files);

    private Task<ApplyOutcome> ApplyAsync(string? environment, params SpecFileContent[] files) =>
        Service.ApplyAsync(ApplyRequest.Of(files, environment), dryRun: false, Ct);

    private SpecFileContent File(string name, string yaml) => new(name, yaml, Temp.Path);

    private string Spec(string app, string? environment = null, string extra = "") =>
        $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}{(environment is null ? "" : $"\n  environment: {environment}")}
        spec:
          artifact:
            path: {Temp.Combine("out")}
          command: dotnet
          args: [app.dll]

        """ + extra;

    private static int Line(string yaml, string contains) =>
        Array.FindIndex(yaml.Split('\n'), l => l.Contains(contains, StringComparison.Ordinal)) + 1;
}
