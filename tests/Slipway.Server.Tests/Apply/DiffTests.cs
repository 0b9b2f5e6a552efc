using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Core.Spec.Diff;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Apply;

/// <summary>
/// What an apply would change (<c>POST /api/v1/diff</c>), against a real store: new, unchanged or changed per
/// app×env, a diff that ignores how the spec is written, whether a revision would be created, secrets never shown,
/// and nothing saved or copied.
/// </summary>
public sealed class DiffTests : IAsyncLifetime
{
    private const string Password = "hunter2-correct-horse";

    private ApplyHarness _harness = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string Artifact => Temp.Combine("out");

    private TemporaryDirectory Temp => _harness.Temp;

    private SqliteStore Store => _harness.Store;

    private ApplyService Service => _harness.Service;

    public async Task InitializeAsync() => _harness = await ApplyHarness.OpenAsync("out/app.dll", "code v1");

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_new_app_is_all_added_lines_and_would_create_revision_one_and_nothing_is_saved_or_copied()
    {
        var diff = Assert.Single((await DiffAsync(Spec())).Diffs);

        Assert.Equal((AppDiffOutcome.New, (int?)null, 1, true, true), (diff.Outcome, diff.CurrentRevision, diff.Revision, diff.RevisionCreated, diff.RolloutStarted));
        var lines = diff.Diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["--- web (dev): not on the server", "+++ web (dev) in web.yaml"], lines[..2]);
        Assert.StartsWith("@@ -0,0 +1,", lines[2], StringComparison.Ordinal);
        Assert.All(lines[3..], l => Assert.StartsWith("+", l, StringComparison.Ordinal));
        Assert.Contains("+      value: v1", lines);
        Assert.Empty(await Store.ListAppsAsync(Ct));
        Assert.False(Directory.Exists(Temp.Combine("data", "artifacts")), "a diff copies no artifact");
    }

    [Fact]
    public async Task A_spec_written_differently_but_meaning_the_same_is_unchanged_with_no_diff()
    {
        await ApplyAsync(Spec());

        // Flow style, other field order, quoting, comments, defaults written out: the same spec.
        var rewritten = $$$"""
            kind: Application
            apiVersion: slipway.dev/v1alpha1
            metadata: {environment: dev, name: web}
            spec:
              env: [{value: "v1", name: VERSION}, {name: DB_PASSWORD, value: {{{Password}}}}]
              command: "dotnet"   # the runtime
              args: ["app.dll"]
              replicas: 2
              artifact: {path: '{{{Artifact}}}'}
              route: {pathPrefix: /, host: web.dev.localhost}
              strategy: {rolling: {maxUnavailable: 25%, maxSurge: 25%}}
              terminationGracePeriodSeconds: 30
            """;

        var diff = Assert.Single((await DiffAsync(rewritten)).Diffs);

        Assert.Equal((AppDiffOutcome.Unchanged, (int?)1, 1, false, false, ""), (diff.Outcome, diff.CurrentRevision, diff.Revision, diff.RevisionCreated, diff.RolloutStarted, diff.Diff));
    }

    [Fact]
    public async Task An_env_change_shows_as_a_unified_diff_and_would_create_a_new_revision()
    {
        await ApplyAsync(Spec());

        var diff = Assert.Single((await DiffAsync(Spec(version: "v2"))).Diffs);

        Assert.Equal((AppDiffOutcome.Changed, (int?)1, 2, true, true), (diff.Outcome, diff.CurrentRevision, diff.Revision, diff.RevisionCreated, diff.RolloutStarted));
        var lines = diff.Diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["--- web (dev) on the server, revision 1", "+++ web (dev) in web.yaml"], lines[..2]);
        Assert.Equal(["-      value: v1", "+      value: v2"], lines.Where(l => l[0] is '-' or '+' && !l.StartsWith("---", StringComparison.Ordinal) && !l.StartsWith("+++", StringComparison.Ordinal)));
        Assert.Contains("     - name: VERSION", lines); // context
        Assert.Single(await Store.ListRevisionsAsync("web", "dev", Ct)); // nothing saved
    }

    [Fact]
    public async Task A_replicas_change_only_updates_the_app_without_a_revision_or_a_rollout()
    {
        await ApplyAsync(Spec());

        var diff = Assert.Single((await DiffAsync(Spec(replicas: 5))).Diffs);

        Assert.Equal((AppDiffOutcome.Changed, 1, false, false), (diff.Outcome, diff.Revision, diff.RevisionCreated, diff.RolloutStarted));
        Assert.Contains("-  replicas: 2\n+  replicas: 5", diff.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rebuilt_artifact_at_the_same_path_shows_its_new_digest()
    {
        await ApplyAsync(Spec());
        Temp.WriteFile("out/app.dll", "code v2");

        var diff = Assert.Single((await DiffAsync(Spec())).Diffs);

        Assert.True(diff.RevisionCreated);
        var changed = diff.Diff.Split('\n').Where(l => l.StartsWith("-    digest:", StringComparison.Ordinal) || l.StartsWith("+    digest:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, changed.Count);
        Assert.All(changed, l => Assert.Contains("sha256:", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_secret_says_so_without_showing_either_value_in_the_diff_or_the_api_answer()
    {
        await ApplyAsync(Spec());

        var outcome = await DiffAsync(Spec(password: "new-" + Password, extraArgs: ", --api-token=tok-123456"));

        var diff = Assert.Single(outcome.Diffs);
        Assert.Contains($"-      value: {SensitiveValues.Hidden}\n+      value: {SensitiveValues.Changed}", diff.Diff, StringComparison.Ordinal);
        Assert.Contains($"+    - --api-token={SensitiveValues.Hidden}", diff.Diff, StringComparison.Ordinal);
        var answer = JsonSerializer.Serialize(new { diffs = outcome.Diffs }, SlipwayJson.Api);
        Assert.DoesNotContain(Password, answer, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123456", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_secret_is_hidden_on_both_sides_and_is_no_difference()
    {
        await ApplyAsync(Spec());

        var diff = Assert.Single((await DiffAsync(Spec(version: "v2"))).Diffs);

        Assert.DoesNotContain(Password, diff.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain(SensitiveValues.Changed, diff.Diff, StringComparison.Ordinal);
        Assert.Contains($"       value: {SensitiveValues.Hidden}", diff.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_file_is_compared_and_an_invalid_one_gives_the_errors_of_apply()
    {
        await ApplyAsync(Spec());

        var outcome = await Service.DiffAsync(ApplyRequest.Of([new("web.yaml", Spec(), Temp.Path), new("api.yaml", Spec(app: "api"), Temp.Path)]), Ct);
        var rejected = await DiffAsync(Spec(replicas: -1));

        Assert.Equal([("web", AppDiffOutcome.Unchanged, "web.yaml"), ("api", AppDiffOutcome.New, "api.yaml")], outcome.Diffs.Select(d => (d.App, d.Outcome, d.File)));
        Assert.Empty(rejected.Diffs);
        Assert.Equal(("web.yaml", "spec.replicas"), (Assert.Single(rejected.Errors).File, rejected.Errors[0].Path));
    }

    private Task<DiffOutcome> DiffAsync(string yaml) => Service.DiffAsync(new ApplyRequest("web.yaml", yaml, Temp.Path), Ct);

    private async Task ApplyAsync(string yaml) => Assert.Empty((await Service.ApplyAsync(new ApplyRequest("web.yaml", yaml, Temp.Path), dryRun: false, Ct)).Errors);

    private string Spec(string app = "web", string version = "v1", int replicas = 2, string password = Password, string extraArgs = "") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}
        spec:
          artifact:
            path: {Artifact}
          command: dotnet
          args: [app.dll{extraArgs}]
          replicas: {replicas}
          env:
            - name: VERSION
              value: {version}
            - name: DB_PASSWORD
              value: {password}
        """;
}
