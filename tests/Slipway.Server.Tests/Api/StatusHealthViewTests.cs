using Slipway.Server.Api;
using Slipway.Server.Routing;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests.Api;

/// <summary>
/// The <c>health</c> of each revision in a status: taken from the router's numbers by revision number, zero requests
/// for a revision the router has no numbers for, and null everywhere — with the reason — when the router did not answer.
/// </summary>
public sealed class StatusHealthViewTests
{
    [Fact]
    public async Task Each_revision_gets_the_routers_numbers_for_it_and_a_revision_it_never_routed_to_has_none()
    {
        await using var plane = await CanaryInProgressAsync();
        var stats = new RouterStats(60, [
            new RouterRevisionStats("web", "dev", "1", 60, 900, 0, 1.0, 0.0, 15, 2.1, 4.0, 5.5, 9.9),
            new RouterRevisionStats("web", "dev", "none", 60, 3, 3, 0.0, 1.0, 0.05, 0.1, 0.1, 0.1, 0.1),
        ]);

        var view = await BuildAsync(plane, (stats, null));

        Assert.Null(view.HealthError);
        var stable = view.Revisions.Single(r => r.Number == 1);
        Assert.Equal(new RevisionHealth(60, 900, 0, 1.0, 0.0, 15, 2.1, 4.0, 5.5, 9.9), stable.Health);
        var canary = view.Revisions.Single(r => r.Number == 2);
        Assert.Equal(new RevisionHealth(60, 0, 0, null, null, 0, null, null, null, null), canary.Health);
    }

    [Fact]
    public async Task Without_the_routers_numbers_the_status_still_answers_and_says_why_health_is_missing()
    {
        await using var plane = await CanaryInProgressAsync();

        var view = await BuildAsync(plane, (null, "cannot reach the router's admin endpoint 127.0.0.1:8081: Connection refused"));

        Assert.Equal("cannot reach the router's admin endpoint 127.0.0.1:8081: Connection refused", view.HealthError);
        Assert.Equal([1, 2], view.Revisions.Select(r => r.Number).Order());
        Assert.All(view.Revisions, r => Assert.Null(r.Health));
        Assert.Equal("Paused", view.Phase);
    }

    private static async Task<ControlPlaneHarness> CanaryInProgressAsync()
    {
        var plane = await ControlPlaneHarness.StartAsync();
        await plane.ApplyAsync("web", "v1");
        await plane.SettleAsync(TimeSpan.FromSeconds(10));
        await plane.ApplyAsync("web", "v2");
        await plane.SettleAsync(TimeSpan.FromSeconds(10));
        return plane;
    }

    private static async Task<StatusView> BuildAsync(ControlPlaneHarness plane, (RouterStats?, string?) health)
    {
        var record = (await plane.Store.GetAppAsync("web", "dev", CancellationToken.None))!;
        var status = await plane.Store.GetStatusAsync("web", "dev", CancellationToken.None);
        return StatusViews.Build(record, status, plane.Reconciler.View("web", "dev"), plane.Target.Instances, "http://127.0.0.1:8080", health);
    }
}
