using Slipway.Cli.Tests.Support;
using Slipway.Store;

namespace Slipway.Cli.Tests.Commands;

/// <summary>
/// <c>slipway apply</c>, <c>validate</c>, <c>policies</c> and <c>policies delete</c> with image policies: the real CLI,
/// as a process, against a real server on loopback.
/// </summary>
public sealed class PoliciesCommandTests : IAsyncLifetime
{
    private const string Policies = """
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: prod-images
        spec:
          environments: [prod, staging]
          signatures:
            keys: [release, release-2027]
          vulnerabilities:
            refuseAt: critical
        ---
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: team
        spec:
          environments: [prod]
          vulnerabilities:
            refuseAt: high
        """;

    private CliServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await CliServer.StartAsync();

        // Keys come from `slipway keys`; until that command exists here, the test puts them in the server's store.
        var store = await SqliteStore.OpenAsync(_server.Options.StorePath, TimeProvider.System, CancellationToken.None);
        foreach (var key in new[] { "release", "release-2027" })
        {
            await store.AddSigningKeyAsync(new SigningKeyRecord(key, "-----BEGIN PUBLIC KEY-----", "kid-" + key, null, null, DateTimeOffset.UtcNow, "test"), CancellationToken.None);
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Applied_policies_are_listed_with_what_they_ask_and_an_environment_shows_what_they_add_up_to()
    {
        var file = _server.WriteFile("policies.yaml", Policies);

        var validated = await _server.CliAsync("validate", "-f", file);
        var applied = await _server.CliAsync("apply", "-f", file);
        var listed = await _server.CliAsync("policies");
        var prod = await _server.CliAsync("policies", "-e", "prod");
        var names = await _server.CliAsync("policies", "-o", "name");
        var dev = await _server.CliAsync("policies", "-e", "dev");

        Assert.True(validated.ExitCode == 0, validated.Stderr);
        Assert.Contains($"{file}: image policy prod-images (prod, staging) is valid", validated.Stdout, StringComparison.Ordinal);
        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.Equal(["image policy prod-images configured", "image policy team configured"], Lines(applied.Stdout));
        Assert.Equal(0, listed.ExitCode);
        var rows = Lines(listed.Stdout).Select(Cells).ToList();
        Assert.Equal(["NAME", "ENVIRONMENTS", "SIGNATURES", "VULNERABILITIES", "AGE"], rows[0]);
        Assert.Equal(["prod-images", "prod,staging", "one", "of", "release,release-2027", "refuse", "at", "critical"], rows[1][..^1]);
        Assert.Equal(["team", "prod", "-", "refuse", "at", "high"], rows[2][..^1]);
        Assert.Equal(
            "images in prod must be signed by one of release, release-2027 (prod-images); an image with a vulnerability of high or critical severity is refused in prod (team)",
            Lines(prod.Stdout)[^1]);
        Assert.Equal(["imagepolicy/prod-images", "imagepolicy/team"], Lines(names.Stdout));
        Assert.Equal((0, ""), (dev.ExitCode, dev.Stdout));
        Assert.Equal("No image policies name dev: every image may run there.", dev.Stderr.Trim());
    }

    [Fact]
    public async Task A_policy_is_deleted_by_name_and_an_unknown_one_is_an_error()
    {
        Assert.Equal(0, (await _server.CliAsync("apply", "-f", _server.WriteFile("policies.yaml", Policies))).ExitCode);

        var deleted = await _server.CliAsync("policies", "delete", "team");
        var again = await _server.CliAsync("policies", "delete", "team");
        var withEnvironment = await _server.CliAsync("policies", "delete", "prod-images", "-e", "prod");
        var listed = await _server.CliAsync("policies");

        Assert.Equal((0, "image policy team deleted; it no longer applies to prod"), (deleted.ExitCode, deleted.Stdout.Trim()));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("there is no image policy team (slipway policies lists them)", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, withEnvironment.ExitCode);
        Assert.Contains("--env does not apply to `slipway policies delete`", withEnvironment.Stderr, StringComparison.Ordinal);
        Assert.Equal(["NAME", "prod-images"], Lines(listed.Stdout).Select(l => Cells(l)[0]));
    }

    [Fact]
    public async Task A_policy_naming_a_key_the_server_lacks_is_refused_at_its_line_and_nothing_is_applied()
    {
        var file = _server.WriteFile("policies.yaml", Policies.Replace("[release, release-2027]", "[release, ci]", StringComparison.Ordinal));

        var applied = await _server.CliAsync("apply", "-f", file);
        var listed = await _server.CliAsync("policies");

        Assert.Equal(1, applied.ExitCode);
        Assert.Contains($"{file}:8:21: spec.signatures.keys[1]: there is no signing key 'ci' on this server (it has release, release-2027)", applied.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", applied.Stderr, StringComparison.Ordinal);
        Assert.Equal("No image policies found.", listed.Stderr.Trim());
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
