using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Slipway.Core.Serialization;
using Slipway.Server.Api;
using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Api;

/// <summary>
/// The image policies API of a real server over HTTP on loopback: policies applied with <c>POST /api/v1/apply</c>,
/// listed (all, or those of an environment), shown, deleted, and an environment's effective policy — locked like every call.
/// </summary>
public sealed class ImagePolicyApiTests : IAsyncLifetime
{
    private const string Policies = """
        apiVersion: slipway.dev/v1alpha1
        kind: ImagePolicy
        metadata:
          name: prod-images
        spec:
          environments: [prod, staging]
          signatures:
            keys: [release]
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

    private InProcessServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await InProcessServer.StartAsync();

        // Keys come from `slipway keys`; until the server has an API for them, the test puts one in its store.
        var store = await SqliteStore.OpenAsync(Path.Combine(_server.Options.DataDirectory, "slipway.db"), TimeProvider.System, CancellationToken.None);
        await store.AddSigningKeyAsync(new SigningKeyRecord("release", "-----BEGIN PUBLIC KEY-----", "kid", null, null, DateTimeOffset.UtcNow, "test"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Applied_policies_are_listed_shown_and_summed_up_per_environment()
    {
        var applied = await ApplyAsync(Policies);

        Assert.Equal(["prod-images", "team"], applied["policies"]!.AsArray().Select(n => (string?)n));
        var all = await GetAsync<List<ImagePolicyView>>("/api/v1/image-policies");
        Assert.Equal(["prod-images", "team"], all.Select(p => p.Name));
        Assert.Equal(["release"], all[0].Signatures!.Keys);
        Assert.Null(all[1].Signatures);
        Assert.Equal(["prod-images"], (await GetAsync<List<ImagePolicyView>>("/api/v1/image-policies?environment=staging")).Select(p => p.Name));
        Assert.Empty(await GetAsync<List<ImagePolicyView>>("/api/v1/image-policies?environment=dev"));

        var (status, shown) = await SendAsync(HttpMethod.Get, "/api/v1/image-policies/team");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"refuseAt":"high"}""", shown["vulnerabilities"]!.ToJsonString());
        Assert.Null(shown["signatures"]);
        Assert.True(shown.AsObject().ContainsKey("signatures")); // present, null: a script reads it the same way either way

        var prod = await GetAsync<EffectiveImagePolicyView>("/api/v1/environments/prod/image-policy");
        Assert.Equal(["prod-images", "team"], prod.Policy.Policies);
        Assert.Equal(["release"], prod.Policy.Keys);
        Assert.Equal(("high", "team"), (prod.Policy.Vulnerabilities!.RefuseAt.ToString().ToLowerInvariant(), prod.Policy.Vulnerabilities.Policy));
        Assert.Equal("images in prod must be signed by release (prod-images); an image with a vulnerability of high or critical severity is refused in prod (team)", prod.Summary);
        Assert.True((await GetAsync<EffectiveImagePolicyView>("/api/v1/environments/dev/image-policy")).Policy.RequiresNothing);
    }

    [Fact]
    public async Task Delete_removes_the_policy_from_its_environments_and_an_unknown_name_is_a_404()
    {
        await ApplyAsync(Policies);

        var (deleted, answer) = await SendAsync(HttpMethod.Delete, "/api/v1/image-policies/team");
        var (again, error) = await SendAsync(HttpMethod.Delete, "/api/v1/image-policies/team");
        var (missing, notFound) = await SendAsync(HttpMethod.Get, "/api/v1/image-policies/team");

        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("image policy team deleted; it no longer applies to prod", (string?)answer["message"]);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal("there is no image policy team (slipway policies lists them)", (string?)error["error"]);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.NotNull(notFound["error"]);
        var prod = await GetAsync<EffectiveImagePolicyView>("/api/v1/environments/prod/image-policy");
        Assert.Equal(("prod-images", Core.Images.VulnerabilitySeverity.Critical), (prod.Policy.Vulnerabilities!.Policy, prod.Policy.Vulnerabilities.RefuseAt));
    }

    [Fact]
    public async Task A_policy_naming_a_key_the_server_lacks_is_refused_whole_at_its_line()
    {
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/apply");
        request.Content = JsonContent.Create(new ApplyRequest("policies.yaml", Policies.Replace("[release]", "[release, ci]", StringComparison.Ordinal), _server.Temp.Path), options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Assert.Single(body["errors"]!.AsArray())!;
        Assert.Equal(("policies.yaml", 8, "spec.signatures.keys[1]"), ((string?)error["file"], (int)error["line"]!, (string?)error["path"]));
        Assert.Empty(await GetAsync<List<ImagePolicyView>>("/api/v1/image-policies"));
    }

    [Fact]
    public async Task The_answers_have_exactly_the_fields_docs_api_md_shows()
    {
        await ApplyAsync(Policies);
        var documented = DocumentedBlocks();

        var (_, policy) = await SendAsync(HttpMethod.Get, "/api/v1/image-policies/prod-images");
        var (_, effective) = await SendAsync(HttpMethod.Get, "/api/v1/environments/prod/image-policy");

        Assert.Equal(Fields(JsonNode.Parse(documented[0])), Fields(policy));
        Assert.Equal(Fields(JsonNode.Parse(documented[1])), Fields(effective));
    }

    [Fact]
    public async Task Policies_need_the_token()
    {
        using var response = await _server.Http.GetAsync("/api/v1/image-policies");
        using var delete = await _server.Http.DeleteAsync("/api/v1/image-policies/team");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
    }

    /// <summary>The JSON examples of the "Image policies" section of docs/api.md, in order.</summary>
    private static List<string> DocumentedBlocks()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "docs", "api.md")))
        {
            directory = directory.Parent;
        }

        var doc = File.ReadAllText(Path.Combine(directory.FullName, "docs", "api.md"));
        var section = doc[doc.IndexOf("### Image policies", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", StringComparison.Ordinal)];
        return [.. section.Split("```json\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)])];
    }

    /// <summary>Every field path of a document (<c>policy.vulnerabilities.refuseAt</c>), array items merged.</summary>
    private static SortedSet<string> Fields(JsonNode? node, string prefix = "")
    {
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    fields.Add(prefix + name);
                    fields.UnionWith(Fields(value, prefix + name + "."));
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    fields.UnionWith(Fields(item, prefix));
                }

                break;
        }

        return fields;
    }

    private async Task<JsonNode> ApplyAsync(string yaml)
    {
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/apply");
        request.Content = JsonContent.Create(new ApplyRequest("policies.yaml", yaml, _server.Temp.Path), options: SlipwayJson.Options);
        using var response = await _server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"apply failed: {body}");
        return JsonNode.Parse(body)!;
    }

    private Task<T> GetAsync<T>(string path) => _server.GetAsync<T>(path);

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpMethod method, string path)
    {
        using var request = _server.Authorized(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"); // as every mutation must
        }

        using var response = await _server.Http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
