using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Reconcile;
using Slipway.Server.Secrets;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Secrets;

/// <summary>
/// Specs that refer to secrets, applied against a real store and vault: a missing secret or key refuses the apply at its
/// <c>valueFrom</c>; a revision pins the versions of its keys; a changed key rolls out a new revision to the apps that
/// use it, and to no other.
/// </summary>
public sealed class SecretApplyTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly WorkQueue _queue = new(TimeProvider.System);
    private readonly string _url = "postgres://app:" + Guid.NewGuid().ToString("N") + "@db/shop";
    private VaultHarness _harness = null!;
    private SecretVault _vault = null!;
    private ApplyService _apply = null!;
    private SecretRollouts _rollouts = null!;

    public async Task InitializeAsync()
    {
        _harness = await VaultHarness.OpenAsync();
        _harness.Temp.WriteFile("artifact/app.dll", "code");
        _vault = await _harness.StartVaultAsync();
        var options = new ServerOptions(_harness.DataDirectory);
        var gate = new ControlPlaneLock();
        _apply = ApplyServices.Create(_harness.Store, new ArtifactStore(options), gate, TimeProvider.System, _queue, options, _vault);
        _rollouts = new SecretRollouts(_harness.Store, gate, _queue, _apply, _vault, NullLogger<SecretRollouts>.Instance);
    }

    public Task DisposeAsync()
    {
        _queue.Dispose();
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_missing_secret_or_key_refuses_the_apply_at_each_value_from_and_saves_nothing()
    {
        await SetAsync("prod", ("url", _url));

        var outcome = await ApplyAsync(Spec("web", "prod", ("DATABASE_URL", "db", "url"), ("DB_PASSWORD", "db", "password"), ("SMTP", "mail", "token")));

        Assert.Empty(outcome.Applied);
        Assert.Equal(
            [
                "web.yaml:20:9: spec.env[2].valueFrom: secret db has no key password in environment prod: set it with `slipway secret set db password=… -e prod`",
                "web.yaml:23:9: spec.env[3].valueFrom: there is no secret mail in environment prod: set it with `slipway secret set mail token=… -e prod`",
            ],
            outcome.Errors.Select(e => e.ToString().Replace(_harness.Temp.Path + "/", "", StringComparison.Ordinal)));
        Assert.Empty(await _harness.Store.ListAppsAsync(Ct));
    }

    [Fact]
    public async Task A_revision_pins_the_version_each_key_last_changed_at_and_the_same_file_again_changes_nothing()
    {
        await SetAsync("prod", ("url", _url), ("password", "pw-" + _url));
        await SetAsync("prod", ("password", "pw2-" + _url));
        var yaml = Spec("web", "prod", ("DATABASE_URL", "db", "url"), ("DB_PASSWORD", "db", "password"));

        Assert.Empty((await ApplyAsync(yaml)).Errors);
        var again = Assert.Single((await ApplyAsync(yaml)).Applied);

        var revision = Assert.Single(await _harness.Store.ListRevisionsAsync("web", "prod", Ct));
        Assert.Equal([1, 2], revision.Template.Env.Skip(1).Select(e => e.SecretKeyRef!.Version!.Value));
        Assert.All(revision.Template.Env.Skip(1), e => Assert.Equal("", e.Value));
        Assert.True(again.Unchanged);
    }

    [Fact]
    public async Task A_changed_key_rolls_out_a_new_revision_to_the_apps_that_use_it_and_to_no_other()
    {
        await SetAsync("prod", ("url", _url), ("password", "pw-" + _url));
        await SetAsync("staging", ("url", _url));
        Assert.Empty((await ApplyAsync(Spec("web", "prod", ("DATABASE_URL", "db", "url")))).Errors);
        Assert.Empty((await ApplyAsync(Spec("api", "prod", ("DB_PASSWORD", "db", "password")))).Errors);
        Assert.Empty((await ApplyAsync(Spec("web", "staging", ("DATABASE_URL", "db", "url")))).Errors);

        var change = await SetAsync("prod", ("url", "new-" + _url), ("password", "pw-" + _url));
        var rolled = (await _rollouts.RollOutAsync(change, Ct)).RolledOut;

        Assert.Equal(["url"], change.Changed);
        Assert.Equal(("web", "prod", 2, true), Assert.Single(rolled) is var a ? (a.App, a.Environment, a.Revision, a.RolloutStarted) : default);
        var revisions = await _harness.Store.ListRevisionsAsync("web", "prod", Ct);
        Assert.Equal(["first revision", "secret db changed (key url)"], revisions.Select(r => r.ChangeCause));
        Assert.Equal([1, 2], revisions.Select(r => r.Template.Env[1].SecretKeyRef!.Version!.Value));
        Assert.Single(await _harness.Store.ListRevisionsAsync("api", "prod", Ct));
        Assert.Single(await _harness.Store.ListRevisionsAsync("web", "staging", Ct));

        // Revision 1 still resolves to the value it was made with: an undo runs with it.
        var old = await _vault.ResolveAsync("prod", [revisions[0].Template.Env[1].SecretKeyRef!], Ct);
        Assert.True(old.Single().Value.Value == _url, "revision 1's value is kept");
    }

    [Fact]
    public async Task A_required_name_set_to_a_placeholder_is_not_rolled_out_and_the_answer_says_why()
    {
        await SetAsync("prod", ("url", _url));
        Assert.Empty((await ApplyAsync(Spec("web", "prod", ("DATABASE_URL", "db", "url")) + "\n  requiredEnv: [DATABASE_URL]\n")).Errors);

        var outcome = await _rollouts.RollOutAsync(await SetAsync("prod", ("url", "CHANGEME")), Ct);

        Assert.Empty(outcome.RolledOut);
        var why = Assert.Single(outcome.Refused);
        Assert.Contains("DATABASE_URL", why, StringComparison.Ordinal);
        Assert.Contains("placeholder", why, StringComparison.Ordinal);
        Assert.Single(await _harness.Store.ListRevisionsAsync("web", "prod", Ct));
    }

    [Fact]
    public async Task A_set_that_changes_nothing_rolls_out_nothing()
    {
        await SetAsync("prod", ("url", _url));
        Assert.Empty((await ApplyAsync(Spec("web", "prod", ("DATABASE_URL", "db", "url")))).Errors);

        var change = await SetAsync("prod", ("url", _url));

        Assert.True(change.Unchanged);
        Assert.Empty((await _rollouts.RollOutAsync(change, Ct)).RolledOut);
    }

    [Fact]
    public async Task A_diff_pins_as_apply_does_and_saves_nothing()
    {
        await SetAsync("prod", ("url", _url));
        var yaml = Spec("web", "prod", ("DATABASE_URL", "db", "url"));
        Assert.Empty((await ApplyAsync(yaml)).Errors);
        await SetAsync("prod", ("url", "new-" + _url)); // no rollout asked for here: the desired spec still pins version 1

        var diff = await _apply.DiffAsync(new ApplyRequest(_harness.Temp.Combine("web.yaml"), yaml, _harness.Temp.Path), Ct);

        Assert.Empty(diff.Errors);
        var text = Assert.Single(diff.Diffs).Diff;
        Assert.Contains("-          version: 1", text, StringComparison.Ordinal);
        Assert.Contains("+          version: 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain(_url, text, StringComparison.Ordinal);
        Assert.Single(await _harness.Store.ListRevisionsAsync("web", "prod", Ct));
    }

    private async Task<SecretChange> SetAsync(string environment, params (string Key, string Value)[] data)
    {
        var (change, problem) = await _vault.SetAsync(environment, "db", data.ToDictionary(d => d.Key, d => d.Value), [], "test", Ct);
        Assert.Null(problem);
        return change!;
    }

    private Task<ApplyOutcome> ApplyAsync(string yaml) =>
        _apply.ApplyAsync(new ApplyRequest(_harness.Temp.Combine("web.yaml"), yaml, _harness.Temp.Path), dryRun: false, Ct);

    private static string Spec(string app, string environment, params (string Env, string Secret, string Key)[] refs) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {app}
          environment: {environment}
        spec:
          artifact:
            path: ./artifact
          command: dotnet
          args: [app.dll]
          replicas: 0
          env:
            - name: VERSION
              value: v1
        {string.Concat(refs.Select(r => $"    - name: {r.Env}\n      valueFrom:\n        secretKeyRef: {{name: {r.Secret}, key: {r.Key}}}\n"))}
        """;
}
