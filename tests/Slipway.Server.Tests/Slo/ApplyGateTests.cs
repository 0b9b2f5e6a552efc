using Slipway.Server.Tests.Support;
using Slipway.Core.Rollouts;
using Slipway.Core.Slo;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;

namespace Slipway.Server.Tests.Slo;

/// <summary>
/// The error-budget gate in an apply: an apply is one unit, so a rollout refused in one app×env refuses the whole
/// apply — nothing saved, every blocked app×env named — and an override lets all of it through, recording who and why
/// on the app×env it overrode. An app×env whose apply starts no rollout, and a new app, are never gated.
/// </summary>
public sealed class ApplyGateTests
{
    [Fact]
    public async Task A_burning_app_refuses_the_whole_apply_and_an_override_saves_it_with_its_event()
    {
        await using var h = await SloHarness.StartAsync(errorEvery: 4);
        await h.Router.SendAsync(revision: 1, count: 40);
        h.Time.Advance(TimeSpan.FromSeconds(3));
        using var queue = new WorkQueue(h.Time);
        var options = new ServerOptions(h.Directory.Combine("data"));
        var apply = ApplyServices.Create(h.Store, new ArtifactStore(options), new ControlPlaneLock(), h.Time, queue, options, errorBudget: h.ErrorBudget);
        h.Directory.WriteFile("artifact/app.dll", "v2");
        var yaml = Spec("web") + "\n---\n" + Spec("api");
        var request = new ApplyRequest("apps.yaml", yaml, h.Directory.Path);

        var refused = await apply.ApplyAsync(request, dryRun: false, CancellationToken.None);

        Assert.Empty(refused.Applied);
        var block = Assert.Single(refused.ErrorBudget!.Blocked);
        Assert.Equal(("web", "prod"), (block.App, block.Environment));
        Assert.StartsWith("web/prod is burning its error budget: SLO availability at 250.0× over 2m", refused.ErrorBudget.Message, StringComparison.Ordinal);
        Assert.EndsWith("The rollout was not started: nothing was applied. To start it anyway: slipway apply … --override-error-budget 'why'", refused.ErrorBudget.Message, StringComparison.Ordinal);
        Assert.Null(await h.Store.GetAppAsync("api", "prod", CancellationToken.None));
        Assert.Empty(await h.Store.ListRevisionsAsync("web", "prod", CancellationToken.None));

        var overridden = await apply.ApplyAsync(request with { OverrideErrorBudget = new ErrorBudgetOverride("hotfix for the outage", "alice@laptop") }, dryRun: false, CancellationToken.None);

        Assert.Null(overridden.ErrorBudget);
        Assert.Equal(["web", "api"], overridden.Applied.Select(a => a.App));
        var events = await h.Store.ListEventsAsync("web", "prod", 10, CancellationToken.None);
        var recorded = Assert.Single(events, e => e.Reason == Reasons.ErrorBudgetOverridden);
        Assert.Equal(1, recorded.Revision);
        Assert.Contains("alice@laptop", recorded.Message, StringComparison.Ordinal);
        Assert.Contains("\"hotfix for the outage\"", recorded.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await h.Store.ListEventsAsync("api", "prod", 10, CancellationToken.None), e => e.Reason == Reasons.ErrorBudgetOverridden);

        // Only replicas change now: no rollout starts, so nothing is gated however the budget burns.
        var scaled = await apply.ApplyAsync(new ApplyRequest("apps.yaml", Spec("web", replicas: 2), h.Directory.Path), dryRun: false, CancellationToken.None);
        Assert.Null(scaled.ErrorBudget);
        Assert.False(Assert.Single(scaled.Applied).RolloutStarted);
    }

    private static string Spec(string app, int replicas = 0) => $$"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata: {name: {{app}}, environment: prod}
        spec:
          artifact: {path: ./artifact}
          command: dotnet
          replicas: {{replicas}}
          slos:
            - {name: availability, availability: {}, objective: 99.9%, window: 1h}
          errorBudgetPolicy:
            burnRates: [{long: 2m, short: 1m, factor: 14.4}]
        """;
}
