using Microsoft.Data.Sqlite;
using Slipway.Core.Images;
using Slipway.Core.Rollouts;
using Slipway.Store.Schema;
using Slipway.Store.Tests.Support;
using static Slipway.Store.Tests.Support.StoreSamples;

namespace Slipway.Store.Tests;

/// <summary>
/// Image policies in the store: saved with the apply's apps and templates in one transaction (a failure saves none of
/// them), read back as applied, replaced by name, their time moved only by a change, deleted by name.
/// </summary>
public sealed class ImagePolicyTests : StoreTest
{
    private static readonly ImagePolicy Prod = new("prod-images", ["prod", "staging"], new SignaturePolicy(["release", "release-2027"]), new VulnerabilityPolicy(VulnerabilitySeverity.Critical));

    private static readonly ImagePolicy Team = new("team", ["prod"], null, new VulnerabilityPolicy(VulnerabilitySeverity.High));

    [Fact]
    public async Task Policies_saved_with_an_apply_read_back_as_applied_in_name_order()
    {
        await Store.SaveAppsAsync([Change()], [], [Team, Prod], Ct);

        var policies = await Store.ListImagePoliciesAsync(Ct);
        Assert.Equal(["prod-images", "team"], policies.Select(p => p.Policy.Name));
        Assert.Equal(Json(Prod), Json(policies[0].Policy));
        Assert.Equal(Json(Team), Json(policies[1].Policy));
        Assert.Null(policies[1].Policy.Signatures);
        Assert.All(policies, p => Assert.Equal(TemporaryStore.Start, p.UpdatedAt));
        Assert.NotNull(await Store.GetAppAsync("web", "prod", Ct));
    }

    [Fact]
    public async Task A_policy_applied_again_replaces_it_by_name_and_its_time_moves_only_when_it_changed()
    {
        await Store.SaveAppsAsync([], [], [Prod, Team], Ct);
        Fixture.Time.Advance(TimeSpan.FromHours(1));
        var stricter = Prod with { Vulnerabilities = new VulnerabilityPolicy(VulnerabilitySeverity.High) };

        await Store.SaveAppsAsync([], [], [stricter, Team], Ct);

        var policies = await Store.ListImagePoliciesAsync(Ct);
        Assert.Equal(VulnerabilitySeverity.High, policies[0].Policy.Vulnerabilities!.RefuseAt);
        Assert.Equal(TemporaryStore.Start.AddHours(1), policies[0].UpdatedAt);
        Assert.Equal(TemporaryStore.Start, policies[1].UpdatedAt); // the same document again: unchanged
    }

    [Fact]
    public async Task A_failure_anywhere_in_the_apply_saves_no_policy_no_template_and_no_app()
    {
        await Store.SaveAppsAsync([Change()], [], [], Ct);
        var template = new Core.Analysis.AnalysisTemplate("errors", [], []);

        // Revision 1 of web/prod exists: saving it again breaks the transaction after the policies were written.
        await Assert.ThrowsAsync<SqliteException>(() => Store.SaveAppsAsync([Change("api"), Change()], [template], [Prod], Ct));

        Assert.Empty(await Store.ListImagePoliciesAsync(Ct));
        Assert.Empty(await Store.ListTemplatesAsync(Ct));
        Assert.Null(await Store.GetAppAsync("api", "prod", Ct));
    }

    [Fact]
    public async Task A_policy_is_deleted_by_name_and_survives_a_restart_until_then()
    {
        await Store.SaveAppsAsync([], [], [Prod, Team], Ct);
        var reopened = await Fixture.ReopenAsync();
        Assert.Equal(2, (await reopened.ListImagePoliciesAsync(Ct)).Count);

        Assert.True(await reopened.DeleteImagePolicyAsync("team", Ct));
        Assert.False(await reopened.DeleteImagePolicyAsync("team", Ct));

        Assert.Equal(["prod-images"], (await reopened.ListImagePoliciesAsync(Ct)).Select(p => p.Policy.Name));
    }

    [Fact]
    public async Task An_older_store_is_migrated_to_hold_policies_and_keeps_what_it_held()
    {
        using var data = DataDirectory.WithFixture("slipway-v1.db");
        var store = await SqliteStore.OpenAsync(data.StorePath, new ManualTimeProvider(TemporaryStore.Start), Ct);

        Assert.Equal(Migrations.Latest, await RawDatabase.UserVersionAsync(data.StorePath));
        Assert.Empty(await store.ListImagePoliciesAsync(Ct));
        await store.SaveAppsAsync([], [], [Prod], Ct);
        Assert.Equal("prod-images", Assert.Single(await store.ListImagePoliciesAsync(Ct)).Policy.Name);
        Assert.Equal(2, (await store.ListAppsAsync(Ct)).Count);
        SqliteConnection.ClearAllPools();
    }

    private static AppChange Change(string app = "web") =>
        new(App(app), Revision(1, app), RolloutCommands.StartRevision(RolloutStatus.Empty, 1, TemporaryStore.Start).Status!, []);
}
