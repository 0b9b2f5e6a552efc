using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;

namespace Slipway.Oci.Tests.Registry;

/// <summary>Basic (htpasswd) and Bearer (token service) authentication against a real registry.</summary>
public sealed class RegistryAuthTests
{
    private const string User = "ci";
    private const string Password = "s3cret-Pa55word";

    [Fact]
    public async Task Basic_authentication_pushes_and_reads_with_the_configured_login()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Users = new Dictionary<string, string> { [User] = Password } });
        using var client = new RegistryClient(registry.InsecureOptions, new Logins(registry.Address, User, Password));
        var image = TestImage.Create(layerCount: 2);

        await image.PushAsync(client, registry.Reference("app:v1"));

        Assert.Equal(image.Digest, (await client.GetManifestAsync(registry.Reference("app:v1"), default)).Digest);
    }

    [Fact]
    public async Task A_wrong_password_and_a_missing_login_are_told_apart_and_the_password_is_never_shown()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Users = new Dictionary<string, string> { [User] = Password } });
        using var wrong = new RegistryClient(registry.InsecureOptions, new Logins(registry.Address, User, "not-the-password"));
        using var none = new RegistryClient(registry.InsecureOptions);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => wrong.HeadManifestAsync(registry.Reference("app:v1"), default));
        var missing = await Assert.ThrowsAsync<RegistryException>(() => none.HeadManifestAsync(registry.Reference("app:v1"), default));

        Assert.Contains($"the registry refused the login configured for {registry.Address}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("wrong username or password", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains($"none is configured for {registry.Address}", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_the_token_service_is_fetched_once_per_scope_and_reused()
    {
        await using var tokens = TokenServer.Start(new Dictionary<string, string> { [User] = Password });
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Token = tokens });
        RecordingHandler? recorder = null;
        using var client = new RegistryClient(registry.InsecureOptions, new Logins(registry.Address, User, Password), null, inner => recorder = new RecordingHandler(inner));
        var image = TestImage.Create(layerCount: 3);
        var target = registry.Reference("team/app:v1");

        await image.PushAsync(client, target);
        var read = await client.GetManifestAsync(target, default);
        await client.GetBlobAsync(target, read.ParseImage().Config.Digest, 64 * 1024, default);

        Assert.Equal(image.Digest, read.Digest);

        // One token for reading (HEAD of blobs, GET), one for writing (uploads, manifest): not one per request.
        Assert.Equal(
            new[] { "scope=repository%3Ateam%2Fapp%3Apull&service=slipway-test-registry", "scope=repository%3Ateam%2Fapp%3Apull%2Cpush&service=slipway-test-registry" }
                .Order(StringComparer.Ordinal),
            tokens.Requests.Select(Canonical).Order(StringComparer.Ordinal));
        Assert.True(recorder!.Requests.Count(r => r.Contains("/v2/", StringComparison.Ordinal)) > 10);
    }

    [Fact]
    public async Task A_token_is_fetched_again_once_it_expires()
    {
        await using var tokens = TokenServer.Start(new Dictionary<string, string> { [User] = Password }, expiresInSeconds: 120);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Token = tokens });
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = new RegistryClient(registry.InsecureOptions, new Logins(registry.Address, User, Password), time);
        var target = registry.Reference("app:v1");

        await client.ListTagsAsync(target, default);
        time.Advance(TimeSpan.FromSeconds(60));
        await client.ListTagsAsync(target, default);
        Assert.Single(tokens.Requests);

        time.Advance(TimeSpan.FromSeconds(60));
        await client.ListTagsAsync(target, default);
        Assert.Equal(2, tokens.Requests.Count);
    }

    [Fact]
    public async Task The_token_service_refusing_the_login_and_anonymous_access_refused_say_so()
    {
        await using var tokens = TokenServer.Start(new Dictionary<string, string> { [User] = Password });
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Token = tokens });
        using var wrong = new RegistryClient(registry.InsecureOptions, new Logins(registry.Address, User, "wrong-Pa55"));
        using var anonymous = new RegistryClient(registry.InsecureOptions);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => wrong.GetManifestAsync(registry.Reference("app:v1"), default));
        var denied = await Assert.ThrowsAsync<RegistryException>(() => anonymous.GetManifestAsync(registry.Reference("app:v1"), default));

        Assert.Contains($"the token service {tokens.Realm} refused the login configured for {registry.Address}", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Pa55", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains("does not allow anonymous access to repository:app:pull", denied.Message, StringComparison.Ordinal);
        Assert.Contains($"configure a login for {registry.Address}", denied.Message, StringComparison.Ordinal);
    }

    /// <summary>A query with its parameters in order, so that the test does not depend on the order the client wrote them.</summary>
    private static string Canonical(string query) => string.Join('&', query.Split('&').Order(StringComparer.Ordinal));

    private sealed class Logins(string registry, string user, string password) : IRegistryCredentials
    {
        public Task<RegistryCredential?> GetAsync(string host, CancellationToken ct) =>
            Task.FromResult(host == registry ? new RegistryCredential(user, password) : null);
    }
}
