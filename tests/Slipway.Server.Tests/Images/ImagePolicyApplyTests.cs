using Slipway.Core.Images;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Images;
using Slipway.Server.Tests.Apply;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// <c>kind: ImagePolicy</c> documents through the apply path, over a real store: saved with the apps of the same apply
/// or not at all, refused when they name a signing key the server lacks, checked but not saved by a dry run, and what
/// <see cref="ImagePolicies.ForEnvironmentAsync"/> then answers.
/// </summary>
public sealed class ImagePolicyApplyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private ApplyHarness _harness = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private SqliteStore Store => _harness.Store;

    public async Task InitializeAsync() => _harness = await ApplyHarness.OpenAsync("out/app.dll", "code");

    public Task DisposeAsync()
    {
        _harness.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Policies_are_saved_with_the_apps_of_the_apply_and_answer_for_their_environments()
    {
        await AddKeyAsync("release");

        var outcome = await ApplyAsync(File("policies.yaml", Policy("prod-images", "[prod, staging]", "signatures: {keys: [release]}") + "---\n" + Policy("team", "[prod]", "vulnerabilities: {refuseAt: high}")), File("web.yaml", App()));

        Assert.Empty(outcome.Errors);
        Assert.Equal(["prod-images", "team"], outcome.Policies);
        Assert.Equal("web", Assert.Single(outcome.Applied).App);
        Assert.Equal(["prod-images", "team"], (await Store.ListImagePoliciesAsync(Ct)).Select(p => p.Policy.Name));

        var policies = new ImagePolicies(Store);
        var prod = await policies.ForEnvironmentAsync("prod", Ct);
        Assert.Equal(["prod-images", "team"], prod.Policies);
        Assert.Equal(["release"], prod.Keys);
        Assert.Equal(VulnerabilitySeverity.High, prod.Vulnerabilities!.RefuseAt);
        var staging = await policies.ForEnvironmentAsync("staging", Ct);
        Assert.Null(staging.Vulnerabilities);
        Assert.True((await policies.ForEnvironmentAsync("dev", Ct)).RequiresNothing);
        Assert.Equal(["team"], (await policies.ListAsync("prod", Ct)).Where(p => p.Policy.Signatures is null).Select(p => p.Policy.Name));
    }

    [Fact]
    public async Task A_bad_app_in_the_same_apply_saves_no_policy()
    {
        var outcome = await ApplyAsync(File("policy.yaml", Policy("team", "[prod]", "vulnerabilities: {refuseAt: high}")), File("web.yaml", App(extra: "  replicas: -1\n")));

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("web.yaml", "spec.replicas"), (error.File, error.Path));
        Assert.Empty(outcome.Policies);
        Assert.Empty(await Store.ListImagePoliciesAsync(Ct));
        Assert.Empty(await Store.ListAppsAsync(Ct));
    }

    [Fact]
    public async Task A_policy_naming_a_key_the_server_lacks_is_refused_at_the_key_and_nothing_is_saved()
    {
        await AddKeyAsync("release");
        var yaml = Policy("prod-images", "[prod]", "signatures:\n    keys: [release, ci]");

        var outcome = await ApplyAsync(File("policy.yaml", yaml), File("web.yaml", App()));

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(new SpecError("policy.yaml", 8, 21, "spec.signatures.keys[1]", "there is no signing key 'ci' on this server (it has release): generate or import it with slipway keys first"), error);
        Assert.Empty(await Store.ListImagePoliciesAsync(Ct));
        Assert.Empty(await Store.ListAppsAsync(Ct));

        await AddKeyAsync("ci");
        Assert.Empty((await ApplyAsync(File("policy.yaml", yaml))).Errors);
        Assert.Equal(["ci", "release"], (await new ImagePolicies(Store).ForEnvironmentAsync("prod", Ct)).Keys);
    }

    [Fact]
    public async Task A_dry_run_checks_policies_and_saves_none()
    {
        var request = ApplyRequest.Of([File("policy.yaml", Policy("team", "[prod]", "vulnerabilities: {refuseAt: critical}"))]);

        var dryRun = await _harness.Service.ApplyAsync(request, dryRun: true, Ct);
        var diff = await _harness.Service.DiffAsync(request, Ct);
        var refused = await _harness.Service.ApplyAsync(ApplyRequest.Of([File("policy.yaml", Policy("team", "[prod]", "signatures: {keys: [release]}"))]), dryRun: true, Ct);

        Assert.Equal(["team"], dryRun.Policies);
        Assert.Empty(diff.Errors);
        Assert.Equal("spec.signatures.keys[0]", Assert.Single(refused.Errors).Path);
        Assert.Contains("it has none yet", refused.Errors[0].Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListImagePoliciesAsync(Ct));
    }

    [Fact]
    public async Task A_policy_applied_alone_replaces_the_one_of_its_name()
    {
        await ApplyAsync(File("policy.yaml", Policy("team", "[prod]", "vulnerabilities: {refuseAt: critical}")));
        await ApplyAsync(File("policy.yaml", Policy("team", "[prod, staging]", "vulnerabilities: {refuseAt: medium}")));

        var policy = Assert.Single(await Store.ListImagePoliciesAsync(Ct)).Policy;
        Assert.Equal(["prod", "staging"], policy.Environments);
        Assert.Equal(VulnerabilitySeverity.Medium, policy.Vulnerabilities!.RefuseAt);
        Assert.Empty(await Store.ListAppsAsync(Ct));
    }

    private Task<ApplyOutcome> ApplyAsync(params SpecFileContent[] files) => _harness.Service.ApplyAsync(ApplyRequest.Of(files), dryRun: false, Ct);

    private Task<bool> AddKeyAsync(string name) =>
        Store.AddSigningKeyAsync(new SigningKeyRecord(name, "-----BEGIN PUBLIC KEY-----", "kid-" + name, null, null, At, "test"), Ct);

    private SpecFileContent File(string name, string yaml) => new(name, yaml, _harness.Temp.Path);

    private static string Policy(string name, string environments, string requirement) =>
        $"""
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: {name}
        spec:
          environments: {environments}
          {requirement}

        """;

    private string App(string extra = "") =>
        $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: {_harness.Temp.Combine("out")}
          command: dotnet
          args: [app.dll]

        """ + extra;
}
