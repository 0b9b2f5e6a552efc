using System.Net;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.Oci.Registry;
using Slipway.Server.Api;
using Slipway.Server.Images;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// Logins for a registry that asks for one (htpasswd, HTTP Basic), stored through the API of a real server and used
/// by its registry client when an apply resolves an image there. The password is looked for afterwards in every answer,
/// every log line and every file of the data directory: it must be in none of them in clear.
/// </summary>
public sealed class RegistryLoginTests : IAsyncLifetime
{
    private readonly string _password = "pw-" + Guid.NewGuid().ToString("N");
    private ImageServer _server = null!;

    private string Registry => _server.Registry.Address;

    public async Task InitializeAsync() => _server = await ImageServer.StartAsync(new Dictionary<string, string> { ["ci"] = _password });

    public async Task DisposeAsync()
    {
        var leaks = _server.FindInClear(_password);
        await _server.DisposeAsync();
        Assert.True(leaks.Count == 0, "the registry password was found in clear: " + string.Join("\n", leaks));
    }

    [Fact]
    public async Task With_a_login_stored_an_apply_of_an_image_there_resolves_its_tag_to_the_digest()
    {
        var pushed = await _server.PushImageAsync("team/web:v1", new RegistryCredential("ci", _password));

        var stored = await _server.OkAsync<RegistryLoginAnswer>(HttpMethod.Put, $"/api/v1/registries/{Registry}", new RegistryLoginRequest("ci", _password, "ana@laptop"));
        var (status, body) = await _server.ApplyAsync(ImageApp.Yaml("web", $"{Registry}/team/web:v1"));

        Assert.Equal($"login for {Registry} stored (user ci): the server uses it from the next request to that registry", stored.Message);
        Assert.True(status == HttpStatusCode.OK, body);
        var store = await _server.OpenStoreAsync();
        var revision = Assert.Single(await store.ListRevisionsAsync("web", "dev", CancellationToken.None));
        Assert.Equal(pushed.Digest!.ToString(), revision.Template.Artifact.Digest);
        Assert.Equal($"{Registry}/team/web@{pushed.Digest}", revision.Template.Artifact.PinnedImage());
    }

    [Fact]
    public async Task The_list_shows_registry_user_and_who_never_the_password_and_secret_list_does_not_show_it()
    {
        await _server.OkAsync<RegistryLoginAnswer>(HttpMethod.Put, $"/api/v1/registries/{Registry}", new RegistryLoginRequest("ci", _password, "ana@laptop"));

        var logins = await _server.OkAsync<List<RegistryLogin>>(HttpMethod.Get, "/api/v1/registries", null);
        var secrets = await _server.OkAsync<List<SecretView>>(HttpMethod.Get, "/api/v1/secrets", null);

        var login = Assert.Single(logins);
        Assert.Equal((Registry, "ci", "ana@laptop"), (login.Registry, login.Username, login.UpdatedBy));
        Assert.Empty(secrets);
    }

    [Fact]
    public async Task Without_a_login_or_with_a_wrong_one_the_apply_is_refused_at_the_image_saying_what_to_do()
    {
        await _server.PushImageAsync("team/web:v1", new RegistryCredential("ci", _password));

        var (anonymousStatus, anonymous) = await _server.ApplyAsync(ImageApp.Yaml("web", $"{Registry}/team/web:v1"));
        await _server.OkAsync<RegistryLoginAnswer>(HttpMethod.Put, $"/api/v1/registries/{Registry}", new RegistryLoginRequest("ci", "not-" + _password, "ana@laptop"));
        var (wrongStatus, wrong) = await _server.ApplyAsync(ImageApp.Yaml("web", $"{Registry}/team/web:v1"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, anonymousStatus);
        var anonymousError = ImageApp.ErrorAtImage(anonymous);
        Assert.Contains($"registry {Registry} failed", anonymousError, StringComparison.Ordinal);
        Assert.Contains($"`slipway registry login {Registry} --username USER --password-stdin`", anonymousError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrongStatus);
        Assert.Contains($"the registry refused the login configured for {Registry}", ImageApp.ErrorAtImage(wrong), StringComparison.Ordinal);
        Assert.Contains("wrong username or password?", ImageApp.ErrorAtImage(wrong), StringComparison.Ordinal);
        Assert.DoesNotContain("not-" + _password, wrong, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_forgets_the_login_and_the_secrets_api_cannot_reach_the_registries_scope()
    {
        await _server.OkAsync<RegistryLoginAnswer>(HttpMethod.Put, $"/api/v1/registries/{Registry}", new RegistryLoginRequest("ci", _password, "ana@laptop"));
        var name = RegistryLogins.SecretName(Registry);

        var (deleteStatus, _) = await _server.SendAsync(HttpMethod.Delete, $"/api/v1/secrets/_registries/{name}?force=true", "{}");
        var (setStatus, set) = await _server.SendAsync(HttpMethod.Put, $"/api/v1/secrets/_registries/{name}", new SecretSetRequest(new Dictionary<string, string> { ["password"] = "other" }));
        var (listStatus, listed) = await _server.SendAsync(HttpMethod.Get, "/api/v1/secrets?environment=_registries", null);
        Assert.Single(await _server.OkAsync<List<RegistryLogin>>(HttpMethod.Get, "/api/v1/registries", null));

        var (logoutStatus, logout) = await _server.SendAsync(HttpMethod.Delete, $"/api/v1/registries/{Registry}", new SecretActorRequest("ana@laptop"));
        var (againStatus, again) = await _server.SendAsync(HttpMethod.Delete, $"/api/v1/registries/{Registry}", "{}");

        Assert.Equal(HttpStatusCode.NotFound, deleteStatus);
        Assert.Equal(HttpStatusCode.BadRequest, setStatus);
        Assert.Contains("environment '_registries': must be a DNS label", set, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "[]"), (listStatus, listed.Trim()));
        Assert.Equal(HttpStatusCode.OK, logoutStatus);
        Assert.Contains($"login for {Registry} removed", logout, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, againStatus);
        Assert.Contains($"there is no login for {Registry}", again, StringComparison.Ordinal);
        Assert.Empty(await _server.OkAsync<List<RegistryLogin>>(HttpMethod.Get, "/api/v1/registries", null));
    }

    [Fact]
    public async Task A_login_request_that_does_not_parse_is_refused_without_quoting_it()
    {
        var (status, body) = await _server.SendAsync(HttpMethod.Put, $"/api/v1/registries/{Registry}", $"{{\"username\": \"ci\", \"password\": \"{_password}\", \"port\": 5}}");
        var (emptyStatus, empty) = await _server.SendAsync(HttpMethod.Put, $"/api/v1/registries/{Registry}", new RegistryLoginRequest("ci", "", null));
        var (badHostStatus, badHost) = await _server.SendAsync(HttpMethod.Put, "/api/v1/registries/127.0.0.1:99999", new RegistryLoginRequest("ci", _password, null));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at $.port", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, emptyStatus);
        Assert.Contains("the password is empty", empty, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badHostStatus);
        Assert.Contains("registry '127.0.0.1:99999': '99999' is not a port (1-65535)", badHost, StringComparison.Ordinal);
    }
}
