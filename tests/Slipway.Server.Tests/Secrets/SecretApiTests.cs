using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Server.Api;
using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Secrets;

/// <summary>
/// The secrets API of a real server over HTTP on loopback: locked like every call, and no answer — success or error —
/// ever holds a value. Each test scans every body it received for the values it set.
/// </summary>
public sealed class SecretApiTests : IAsyncLifetime
{
    private readonly string _value = "sentinel-" + Guid.NewGuid().ToString("N");
    private readonly List<string> _bodies = [];
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.False(_bodies.Any(b => b.Contains(_value, StringComparison.Ordinal)), "an API answer held a secret value");
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Secrets_need_the_token()
    {
        using var response = await _server.Http.PutAsJsonAsync("/api/v1/secrets/dev/db", new SecretSetRequest(new Dictionary<string, string> { ["url"] = _value }), SlipwayJson.Options);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await ListAsync("dev"));
    }

    [Fact]
    public async Task Set_merges_keys_list_shows_versions_and_never_a_value()
    {
        var first = await SetAsync("db", new SecretSetRequest(new Dictionary<string, string> { ["url"] = _value, ["password"] = "pw-" + _value }, Actor: "ana@laptop"));
        var second = await SetAsync("db", new SecretSetRequest(new Dictionary<string, string> { ["password"] = "pw2-" + _value }, Remove: ["url"], Actor: "ana@laptop"));

        Assert.Equal("secret db (dev) version 1: set password, url; no app uses a changed key", first.Message);
        Assert.Equal("secret db (dev) version 2: set password; removed url; no app uses a changed key", second.Message);
        var listed = Assert.Single(await ListAsync("dev"));
        Assert.Equal(("db", 2, "ana@laptop"), (listed.Name, listed.Version, listed.UpdatedBy));
        Assert.Equal([new SecretKeyView("password", 2)], listed.Keys);
        Assert.Empty(await ListAsync("prod"));
    }

    [Fact]
    public async Task A_body_that_does_not_parse_is_refused_by_its_path_without_quoting_it()
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "/api/v1/secrets/dev/db", $"{{\"data\": {{\"url\": \"{_value}\", \"port\": 5432}}}}");
        var (truncatedStatus, truncated) = await SendAsync(HttpMethod.Put, "/api/v1/secrets/dev/db", $"{{\"data\": {{\"url\": \"{_value}");
        var (unknownStatus, unknown) = await SendAsync(HttpMethod.Put, "/api/v1/secrets/dev/db", $"{{\"value\": \"{_value}\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at $.data.port: expected {\\\"data\\\": {\\\"KEY\\\": \\\"VALUE\\\"}", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, truncatedStatus);
        Assert.Contains("the body is not what PUT /api/v1/secrets/dev/db takes", truncated, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        Assert.Contains("takes at $.value", unknown, StringComparison.Ordinal);
        Assert.Empty(await ListAsync("dev"));
    }

    [Fact]
    public async Task Wrong_names_are_refused_naming_the_key_only()
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "/api/v1/secrets/dev/Db", JsonSerializer.Serialize(new SecretSetRequest(new Dictionary<string, string> { ["a b"] = _value }), SlipwayJson.Options));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("secret name 'Db': must be a DNS label", body, StringComparison.Ordinal);
        Assert.Contains("key 'a b': must hold only letters", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_is_refused_while_an_app_refers_to_the_secret_and_forced_deletes_it()
    {
        await SetAsync("db", new SecretSetRequest(new Dictionary<string, string> { ["url"] = _value }));
        await ApplyAsync("web", "db");

        var (refusedStatus, refused) = await SendAsync(HttpMethod.Delete, "/api/v1/secrets/dev/db", "{}");
        var (forcedStatus, forced) = await SendAsync(HttpMethod.Delete, "/api/v1/secrets/dev/db?force=true", "{\"actor\": \"ana@laptop\"}");
        var (missingStatus, missing) = await SendAsync(HttpMethod.Delete, "/api/v1/secrets/dev/db", "");

        Assert.Equal(HttpStatusCode.Conflict, refusedStatus);
        Assert.Contains("secret db is used by app web in environment dev", refused, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, forcedStatus);
        Assert.Contains("secret db deleted from environment dev; app web still refer to it", forced, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Contains("there is no secret db in environment dev", missing, StringComparison.Ordinal);
        Assert.Empty(await ListAsync("dev"));
    }

    [Fact]
    public async Task Set_answers_with_the_apps_it_rolled_out()
    {
        await SetAsync("db", new SecretSetRequest(new Dictionary<string, string> { ["url"] = _value }));
        await ApplyAsync("web", "db");

        var answer = await SetAsync("db", new SecretSetRequest(new Dictionary<string, string> { ["url"] = "new-" + _value }));

        Assert.Equal([new AppliedApp("web", "dev", 2, RevisionCreated: true, Unchanged: false, RolloutStarted: true)], answer.RolledOut);
        Assert.Equal("secret db (dev) version 2: set url; rolling out web revision 2", answer.Message);
        var (_, history) = await SendAsync(HttpMethod.Get, "/api/v1/apps/web/dev/history", null);
        Assert.Contains("secret db changed (key url)", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_key_re_encrypts_and_the_values_still_resolve()
    {
        await SetAsync("db", new SecretSetRequest(new Dictionary<string, string> { ["url"] = _value }));

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/secrets/rotate-key", "{}");
        var rotation = JsonSerializer.Deserialize<KeyRotationView>(body, SlipwayJson.Options)!;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, rotation.Reencrypted);
        Assert.Single(rotation.Retired);
        Assert.StartsWith($"master key {rotation.KeyId} now encrypts every secret (1 values re-encrypted; key ", rotation.Message, StringComparison.Ordinal);
        await ApplyAsync("web", "db"); // the reference resolves under the new key
    }

    private async Task<SecretSetAnswer> SetAsync(string name, SecretSetRequest request)
    {
        var (status, body) = await SendAsync(HttpMethod.Put, $"/api/v1/secrets/dev/{name}", JsonSerializer.Serialize(request, SlipwayJson.Options));
        Assert.True(status == HttpStatusCode.OK, $"PUT answered {(int)status}");
        return JsonSerializer.Deserialize<SecretSetAnswer>(body, SlipwayJson.Options)!;
    }

    private async Task<List<SecretView>> ListAsync(string environment)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"/api/v1/secrets?environment={environment}", null);
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonSerializer.Deserialize<List<SecretView>>(body, SlipwayJson.Options)!;
    }

    private async Task ApplyAsync(string app, string secret)
    {
        _server.Temp.WriteFile("artifact/app.dll", "code");
        var yaml = IdleAppSpec.Yaml(app) + $"\n  env: [{{name: DATABASE_URL, valueFrom: {{secretKeyRef: {{name: {secret}, key: url}}}}}}]\n";
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/apply", JsonSerializer.Serialize(new ApplyRequest(_server.Temp.Combine($"{app}.yaml"), yaml, _server.Temp.Path), SlipwayJson.Options));
        Assert.True(status == HttpStatusCode.OK, $"apply answered {(int)status}: {body}");
    }

    /// <summary>Sends a JSON body (none when null) with the token; every answer is kept for the scan at the end.</summary>
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = _server.Authorized(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        _bodies.Add(body);
        return (response.StatusCode, body);
    }
}
