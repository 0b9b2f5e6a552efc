using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Preflight;

/// <summary>
/// The "release without DATABASE_URL" story against a real server in this process, with the real local target running
/// the sample service: refused, named at its line, nothing saved and nothing started; with the value set it rolls out
/// and the instance sees it; a placeholder is refused as a missing value would be.
/// </summary>
public sealed class PreflightApplyTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_release_without_a_required_name_is_refused_names_it_at_its_line_saves_nothing_and_starts_nothing()
    {
        var (status, answer) = await ApplyAsync(Spec(env: "- {name: SMTP_HOST, value: smtp.internal}"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = Assert.Single(answer["errors"]!.AsArray());
        Assert.Equal("spec.requiredEnv[0]", (string?)error!["path"]);
        Assert.Equal(13, (int)error["line"]!);
        Assert.StartsWith("web/dev cannot be released: DATABASE_URL is required but not set (set it in spec.env, or from a secret:", (string?)error["message"], StringComparison.Ordinal);

        Assert.Equal("[]", await GetStringAsync("/api/v1/apps"));
        using var app = await _server.Http.SendAsync(_server.Authorized(HttpMethod.Get, "/api/v1/apps/web/dev"));
        Assert.Equal(HttpStatusCode.NotFound, app.StatusCode);
        Assert.False(Directory.Exists(_server.Temp.Combine("data", "instances")) && Directory.EnumerateFileSystemEntries(_server.Temp.Combine("data", "instances")).Any(), "an instance was started");
    }

    [Fact]
    public async Task A_placeholder_for_a_required_name_is_refused_like_a_missing_one()
    {
        var (status, answer) = await ApplyAsync(Spec(env: "- {name: DATABASE_URL, value: CHANGEME}"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var error = Assert.Single(answer["errors"]!.AsArray());
        Assert.Equal("spec.env[0].value", (string?)error!["path"]);
        Assert.Equal("web/dev cannot be released: DATABASE_URL is required but its value 'CHANGEME' is a placeholder", (string?)error["message"]);
        Assert.Equal("[]", await GetStringAsync("/api/v1/apps"));
    }

    [Fact]
    public async Task The_dry_run_that_slipway_validate_asks_for_makes_the_same_checks()
    {
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/validate");
        request.Content = JsonContent.Create(new ApplyRequest(_server.Temp.Combine("web.yaml"), Spec(env: "[]"), _server.Temp.Path), options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(request);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("DATABASE_URL is required but not set", (string?)Assert.Single(answer["errors"]!.AsArray())!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_value_set_it_rolls_out_and_the_instance_sees_it()
    {
        const string url = "postgres://db.internal:5432/web";
        var (status, answer) = await ApplyAsync(Spec(env: $"- {{name: DATABASE_URL, value: \"{url}\"}}"));

        Assert.True(status == HttpStatusCode.OK, answer.ToJsonString());
        Assert.Empty(answer["warnings"]!.AsArray()); // it has a readiness probe
        JsonNode? app = null;
        await Eventually.TrueAsync(
            async () => (app = JsonNode.Parse(await GetStringAsync("/api/v1/apps/web/dev")))?["phase"]?.GetValue<string>() == "Healthy",
            "web Healthy",
            TimeSpan.FromSeconds(90));
        var pid = (int)app!["revisions"]![0]!["instances"]![0]!["pid"]!;
        try
        {
            var environ = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0');
            Assert.Contains($"DATABASE_URL={url}", environ);
        }
        finally
        {
            // The data plane outlives the server by design: the test stops what it started.
            using var deleted = await _server.Http.SendAsync(WithBody(_server.Authorized(HttpMethod.Delete, "/api/v1/apps/web/dev")));
            await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}"), $"instance {pid} stopped", TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>The sample service's spec (line 13 is requiredEnv's first name), <paramref name="env"/> as the env list.</summary>
    private static string Spec(string env) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: {SampleService.Directory}
          command: dotnet
          args: [Slipway.Sample.dll]
          env: {(env.StartsWith('-') ? "\n    " + env : env)}
          requiredEnv:
            - DATABASE_URL
          replicas: 1
          minReadySeconds: 0
          probes:
            readiness:
              httpGet: {"{path: /healthz}"}
              periodSeconds: 1
        """;

    private static HttpRequestMessage WithBody(HttpRequestMessage request)
    {
        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    private async Task<(HttpStatusCode Status, JsonNode Answer)> ApplyAsync(string yaml)
    {
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/apply");
        request.Content = JsonContent.Create(new ApplyRequest(_server.Temp.Combine("web.yaml"), yaml, _server.Temp.Path), options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()))!);
    }

    private async Task<string> GetStringAsync(string path)
    {
        using var response = await _server.Http.SendAsync(_server.Authorized(HttpMethod.Get, path));
        return await response.Content.ReadAsStringAsync();
    }
}
