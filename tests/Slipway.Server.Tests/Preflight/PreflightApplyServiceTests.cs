using Slipway.Core.Rollouts;
using Slipway.Server.Apply;

namespace Slipway.Server.Tests.Preflight;

/// <summary>
/// The preflight checks in an apply, its dry run and a diff, against a real store: every refused document of every
/// file at once, at its lines, nothing saved; warnings in the answer; an apply that starts no rollout is not checked.
/// </summary>
public sealed class PreflightApplyServiceTests : IAsyncLifetime
{
    private PreflightHarness _h = null!;

    public async Task InitializeAsync() => _h = await PreflightHarness.OpenAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Every_refused_document_is_reported_at_once_and_nothing_is_saved()
    {
        var yaml = App("web", "requiredEnv: [DATABASE_URL]") + "\n---\n" + App("api", "requiredEnv: [SMTP_HOST]\n  env: [{name: SMTP_HOST, value: TBD}]") + "\n---\n" + App("ok", "");

        var outcome = await _h.ApplyAsync(yaml);

        Assert.Equal(
            [
                ("spec.requiredEnv[0]", "web/dev cannot be released: DATABASE_URL is required but not set"),
                ("spec.env[0].value", "api/dev cannot be released: SMTP_HOST is required but its value 'TBD' is a placeholder"),
            ],
            outcome.Errors.Select(e => (e.Path, e.Message.Split(" (set it")[0])));
        Assert.All(outcome.Errors, e => Assert.EndsWith("web.yaml", e.File, StringComparison.Ordinal));
        Assert.Empty(await _h.Store.ListAppsAsync(CancellationToken.None));
        Assert.Equal(0, _h.Queue.Depth);
    }

    [Fact]
    public async Task A_warning_comes_with_the_answer_of_an_apply_a_dry_run_and_a_diff_and_the_release_goes_ahead()
    {
        var yaml = App("web", "replicas: 3", probe: false);

        var dryRun = await _h.ApplyAsync(yaml, dryRun: true);
        var diff = await _h.Apply.DiffAsync(new ApplyRequest(_h.Temp.Combine("web.yaml"), yaml, _h.Temp.Path), CancellationToken.None);
        var applied = await _h.ApplyAsync(yaml);

        foreach (var warnings in new[] { dryRun.Warnings, diff.Warnings, applied.Warnings })
        {
            var warning = Assert.Single(warnings);
            Assert.Equal(("web", "dev"), (warning.App, warning.Environment));
            Assert.Equal(
                $"{_h.Temp.Combine("web.yaml")}:5:1: spec.probes.readiness: warning: web/dev: 3 replicas and no readiness probe: each instance gets traffic as soon as its process starts, ready or not (add spec.probes.readiness, or set spec.preflight.readinessProbe: off)",
                warning.ToString());
        }

        Assert.True(Assert.Single(applied.Applied).RolloutStarted);
        Assert.Equal(1, (await _h.Store.GetStatusAsync("web", "dev", CancellationToken.None)).UpdatedRevision);
    }

    [Fact]
    public async Task With_readinessProbe_error_the_same_app_is_refused()
    {
        var outcome = await _h.ApplyAsync(App("web", "replicas: 3\n  preflight: {readinessProbe: error}", probe: false));

        var error = Assert.Single(outcome.Errors);
        Assert.StartsWith("web/dev cannot be released: 3 replicas and no readiness probe", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _h.Store.ListAppsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_apply_that_starts_no_rollout_is_not_checked()
    {
        Assert.Empty((await _h.ApplyAsync(App("web", "replicas: 0", probe: false))).Errors);

        // Only replicas change: the same revision, no rollout, nothing new starts from a new revision.
        var outcome = await _h.ApplyAsync(App("web", "replicas: 2\n  requiredEnv: [DATABASE_URL]", probe: false));

        Assert.Empty(outcome.Errors);
        Assert.Empty(outcome.Warnings);
        Assert.False(Assert.Single(outcome.Applied).RolloutStarted);
    }

    [Fact]
    public async Task A_refused_revision_rolls_out_once_its_value_is_set()
    {
        Assert.NotEmpty((await _h.ApplyAsync(App("web", "requiredEnv: [DATABASE_URL]"))).Errors);

        var outcome = await _h.ApplyAsync(App("web", "requiredEnv: [DATABASE_URL]\n  env: [{name: DATABASE_URL, value: \"postgres://db/web\"}]"));

        Assert.Empty(outcome.Errors);
        Assert.Equal(1, Assert.Single(outcome.Applied).Revision);
        Assert.Equal(RolloutPhase.Progressing, (await _h.Store.GetStatusAsync("web", "dev", CancellationToken.None)).Phase);
    }

    /// <summary>An app (one replica unless <paramref name="extra"/> says, a readiness probe unless <paramref name="probe"/> is false); <paramref name="extra"/> from line 9.</summary>
    private static string App(string name, string extra, bool probe = true) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}
        spec:
          artifact: {"{path: ./artifact}"}
          command: dotnet
          args: [app.dll]
          {extra}{(probe ? "\n  probes: {readiness: {httpGet: {path: /healthz}}}" : "")}
        """;
}
