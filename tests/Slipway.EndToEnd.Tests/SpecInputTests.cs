using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Apply;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// Bad input through the real CLI and server: refused with a clear error naming the file, line and what was
/// expected, and nothing applied. Flags are honoured or refused, and <c>validate</c> says what it checked.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SpecInputTests
{
    private static string Spec(string name, string? environment = null, string extra = "") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}{(environment is null ? "" : $"\n  environment: {environment}")}
        spec:
          artifact:
            path: {Paths.SampleDirectory}
          command: dotnet
          args: [Slipway.Sample.dll]{extra}
        """;

    [Fact]
    public async Task Apply_with_e_deploys_a_document_without_an_environment_there_and_refuses_one_naming_another()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var api = cluster.WriteSpec("api.yaml", Spec("api"));

        var (exit, stdout, stderr) = await cluster.CliAsync("apply", "-f", api, "-e", "prod");

        Assert.True(exit == 0, stderr);
        Assert.Contains("api (prod) revision 1 created", stdout);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Api.GetAsync("api/v1/apps/api/prod")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("api/v1/apps/api/dev")).StatusCode);

        // A file whose documents name other environments: every one reported at its line, nothing applied.
        var web = cluster.WriteSpec("web.yaml", Spec("web", "staging") + "\n---\n" + Spec("worker", "dev"));
        foreach (var command in new[] { "validate", "apply" })
        {
            (exit, _, stderr) = await cluster.CliAsync(command, "-f", web, "-e", "prod");

            Assert.Equal(1, exit);
            Assert.Contains($"{web}:5:16: metadata.environment: is 'staging', but environment 'prod' was requested (-e)", stderr);
            Assert.Contains($"{web}:16:16: metadata.environment: is 'dev', but environment 'prod' was requested (-e)", stderr);
        }

        var apps = await cluster.Api.GetStringAsync("api/v1/apps");
        Assert.DoesNotContain("web", apps);
        Assert.DoesNotContain("worker", apps);
    }

    [Fact]
    public async Task A_spec_file_over_the_size_limit_is_refused_before_it_is_sent_naming_the_file_and_the_limit()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var file = cluster.WriteSpec("huge.yaml", Spec("huge") + "\n# " + new string('x', 50 * 1024 * 1024) + "\n");

        var (exit, _, stderr) = await cluster.CliAsync("apply", "-f", file);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:1:1: (file): the file is 50 MiB; a spec file may be at most 1 MiB", stderr);
        Assert.DoesNotContain("cannot reach", stderr);
        Assert.Equal("[]", await cluster.Api.GetStringAsync("api/v1/apps"));
    }

    [Fact]
    public async Task The_api_answers_a_body_over_its_limit_with_a_413_json_error_and_a_spec_over_its_limit_with_a_422()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();

        // Expect: 100-continue, as curl sends for large bodies: the server answers before the body is sent.
        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, "api/v1/apply")
        {
            Content = JsonContent.Create(new ApplyRequest("big.yaml", new string('#', 9 * 1024 * 1024), "/tmp"), options: SlipwayJson.Options),
        };
        tooLarge.Headers.ExpectContinue = true;
        using var refused = await cluster.Api.SendAsync(tooLarge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        using (var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            Assert.Contains("is larger than 8 MiB, the most the API accepts", json.RootElement.GetProperty("error").GetString());
        }

        using var large = await cluster.Api.PostAsJsonAsync("api/v1/apply", new ApplyRequest("big.yaml", "# " + new string('x', 2 * 1024 * 1024), "/tmp"), SlipwayJson.Options);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, large.StatusCode);
        Assert.Contains("big.yaml", await large.Content.ReadAsStringAsync());
        Assert.Contains("a spec file may be at most 1 MiB", await large.Content.ReadAsStringAsync());
        Assert.Equal("[]", await cluster.Api.GetStringAsync("api/v1/apps"));
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_refused_at_their_line_and_column_and_nothing_is_applied()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();

        // "café" saved as Latin-1: 0xE9 is not UTF-8. Read as UTF-8 it would become "caf\uFFFD" without a word.
        var yaml = Encoding.UTF8.GetBytes(Spec("cafe", extra: "\n  env:\n    - name: MENU\n      value: caf"))
            .Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var file = Path.Combine(cluster.DataDirectory, "latin1.yaml");
        await File.WriteAllBytesAsync(file, yaml);

        foreach (var command in new[] { "validate", "apply" })
        {
            var (exit, _, stderr) = await cluster.CliAsync(command, "-f", file);

            Assert.Equal(1, exit);
            Assert.Contains($"{file}:12:17: (file): not valid UTF-8 (byte 0xE9)", stderr);
        }

        Assert.Equal("[]", await cluster.Api.GetStringAsync("api/v1/apps"));
    }

    [Fact]
    public async Task Validate_asks_the_server_for_what_only_it_knows_and_says_so()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(Spec("shop", "dev", "\n  route: {host: shop.localhost}"));
        var file = cluster.WriteSpec("api.yaml", Spec("api", "dev", "\n  route: {host: shop.localhost}"));

        var (exit, _, stderr) = await cluster.CliAsync("validate", "-f", file);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:11:17: spec.route: route shop.localhost/ is already used by app shop in environment dev", stderr);
        Assert.Contains($"checked locally (the spec, its artifact directories) and by the server at {cluster.ServerUrl}/", stderr);

        var valid = cluster.WriteSpec("web.yaml", Spec("web", "dev"));
        (exit, var stdout, stderr) = await cluster.CliAsync("validate", "-f", valid);
        Assert.True(exit == 0, stderr);
        Assert.Contains($"{valid}: web (dev) is valid; applying it creates revision 1", stdout);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("api/v1/apps/web/dev")).StatusCode);
    }

    [Fact]
    public async Task Validate_without_a_server_checks_the_artifact_locally_as_the_server_would_and_says_what_it_did_not_check()
    {
        await using var cluster = new SlipwayCluster(); // no server started: nothing listens at its address
        var artifact = Directory.CreateTempSubdirectory("slipway-e2e-validate-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(artifact, "passwd"), "/etc/passwd");
            var file = cluster.WriteSpec("web.yaml", Spec("web").Replace(Paths.SampleDirectory, artifact, StringComparison.Ordinal));

            var (exit, _, stderr) = await cluster.CliAsync("validate", "-f", file);

            Assert.Equal(1, exit);
            Assert.Contains($"{file}:7:11: spec.artifact.path: {artifact}/passwd is a symlink to the absolute path '/etc/passwd', outside the artifact directory", stderr);
            // Not asked: with no server, its data directory has no API token yet, and nothing listens either.
            Assert.Contains("checked locally only (the spec, its artifact directories); not checked: routes used by other apps, the artifact size limit, secrets, the preflight checks, as the server was not asked: ", stderr);

            File.Delete(Path.Combine(artifact, "passwd"));
            (exit, var stdout, stderr) = await cluster.CliAsync("validate", "-f", file);
            Assert.True(exit == 0, stderr);
            Assert.Contains($"{file}: web (dev) is valid", stdout);
            Assert.Contains("checked locally only", stdout);
        }
        finally
        {
            Directory.Delete(artifact, recursive: true);
        }
    }

    [Fact]
    public async Task An_artifact_path_that_is_a_file_is_reported_at_its_line_by_validate_and_apply()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var archive = Path.Combine(cluster.DataDirectory, "web.zip");
        await File.WriteAllTextAsync(archive, "PK");
        var file = cluster.WriteSpec("web.yaml", Spec("web").Replace(Paths.SampleDirectory, archive, StringComparison.Ordinal));

        foreach (var command in new[] { "validate", "apply" })
        {
            var (exit, _, stderr) = await cluster.CliAsync(command, "-f", file);

            Assert.Equal(1, exit);
            Assert.Contains($"{file}:7:11: spec.artifact.path: '{archive}' is a file, not a directory", stderr);
        }
    }
}
