using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Config;

/// <summary><c>GET …/config</c> and <c>GET …/config-diff</c> of a real server over HTTP: what they answer, and what they refuse.</summary>
public sealed class ConfigEndpointTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Config_lists_the_env_in_order_and_masks_sensitive_values()
    {
        await ApplyAsync("dev", "[{name: LOG_LEVEL, value: debug}, {name: API_TOKEN, value: tok-dev-5521}]", "[API_TOKEN]");

        var (status, config) = await GetAsync("/api/v1/apps/web/dev/config");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("web", "dev", 1), ((string?)config["app"], (string?)config["environment"], (int)config["revision"]!));
        Assert.Equal(
            ["LOG_LEVEL=debug", "API_TOKEN=(sensitive value hidden)", "PORT=", "SLIPWAY_APP=web", "SLIPWAY_ENV=dev", "SLIPWAY_REVISION=1", "SLIPWAY_INSTANCE="],
            config["env"]!.AsArray().Select(e => $"{e!["name"]}={e["value"]}"));
        Assert.Equal("value", (string?)config["env"]![0]!["source"]);
        Assert.Equal("slipway", (string?)config["env"]![2]!["source"]);
        Assert.Equal("[{\"name\":\"API_TOKEN\",\"satisfied\":true,\"problem\":null}]", config["requiredEnv"]!.ToJsonString());
        Assert.DoesNotContain("tok-dev-5521", config.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_diff_lists_missing_names_first_then_values_then_required_names()
    {
        await ApplyAsync("dev", "[{name: LOG_LEVEL, value: debug}, {name: SMTP_HOST, value: localhost}, {name: API_TOKEN, value: tok-dev-5521}]", "[]");
        await ApplyAsync("prod", "[{name: LOG_LEVEL, value: info}, {name: API_TOKEN, value: tok-prod-9034}, {name: LEGACY, value: on}]", "[LOG_LEVEL]");

        var (status, diff) = await GetAsync("/api/v1/apps/web/config-diff?from=dev&to=prod");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False((bool)diff["equal"]!);
        Assert.Equal("[{\"environment\":\"prod\",\"names\":[\"SMTP_HOST\"]},{\"environment\":\"dev\",\"names\":[\"LEGACY\"]}]", diff["missing"]!.ToJsonString());
        Assert.Equal(["LOG_LEVEL: 'debug' in dev, 'info' in prod", "API_TOKEN: (value differs)"], diff["different"]!.AsArray().Select(d => (string?)d!["summary"]));
        Assert.Equal(["LOG_LEVEL: required in prod only"], diff["requiredEnv"]!.AsArray().Select(d => (string?)d!["summary"]));
        Assert.DoesNotContain("tok-", diff.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?from=dev", HttpStatusCode.BadRequest, "config-diff needs two environments, one name each: ?from=dev&to=prod")]
    [InlineData("?from=dev&to=dev", HttpStatusCode.BadRequest, "from and to are both 'dev': compare two different environments")]
    [InlineData("?from=dev&to=prod&x=1", HttpStatusCode.BadRequest, "unknown query parameter 'x': config-diff takes from and to (?from=dev&to=prod)")]
    [InlineData("?from=dev&to=staging", HttpStatusCode.NotFound, "app web has no environment staging; it exists in dev")]
    public async Task Config_diff_refuses_what_it_cannot_compare(string query, HttpStatusCode expected, string error)
    {
        await ApplyAsync("dev", "[]", "[]");

        var (status, answer) = await GetAsync("/api/v1/apps/web/config-diff" + query);

        Assert.Equal((expected, error), (status, (string?)answer["error"]));
    }

    [Fact]
    public async Task Config_of_an_unknown_app_is_a_404_that_says_where_it_exists()
    {
        await ApplyAsync("dev", "[]", "[]");

        var (status, answer) = await GetAsync("/api/v1/apps/web/prod/config");

        Assert.Equal((HttpStatusCode.NotFound, "app web has no environment prod; it exists in dev"), (status, (string?)answer["error"]));
    }

    /// <summary>Applies app web (no replicas: nothing starts) to <paramref name="environment"/>.</summary>
    private async Task ApplyAsync(string environment, string env, string required)
    {
        _server.Temp.WriteFile("artifact/app.dll", "code");
        var yaml = $"apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata: {{name: web}}\nspec:\n  artifact: {{path: ./artifact}}\n  command: dotnet\n  replicas: 0\n  env: {env}\n  requiredEnv: {required}\n";
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/apply");
        request.Content = JsonContent.Create(new ApplyRequest(_server.Temp.Combine("web.yaml"), yaml, _server.Temp.Path, environment), options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode, JsonNode)> GetAsync(string path)
    {
        using var response = await _server.Http.SendAsync(_server.Authorized(HttpMethod.Get, path));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
