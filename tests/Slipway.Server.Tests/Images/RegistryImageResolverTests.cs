using System.Net;
using System.Net.Sockets;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;
using Slipway.Server.Images;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// The resolver an apply pins images with, against a real registry: a tag to its digest, a digest checked to be there,
/// and for each way it can fail a message a user can act on — the tags there are, an unknown repository, a registry
/// that is down, one that speaks http without being listed (the server flag named), one that wants a login.
/// </summary>
public sealed class RegistryImageResolverTests(RegistryImageResolverTests.Registries registries) : IClassFixture<RegistryImageResolverTests.Registries>
{
    [Fact]
    public async Task A_tag_resolves_to_its_digest_and_a_digest_is_found_where_it_is()
    {
        var pushed = await registries.PushAsync("team/api:v1");
        using var client = new RegistryClient(new RegistrySettings([registries.Open.Address], []).ClientOptions());
        var resolver = new RegistryImageResolver(client);

        var byTag = await resolver.ResolveAsync(registries.Open.Reference("team/api:v1"), CancellationToken.None);
        var byDigest = await resolver.ResolveAsync(registries.Open.Reference("team/api").WithDigest(pushed), CancellationToken.None);

        Assert.Equal(pushed, byTag.Digest);
        Assert.Equal(pushed, byDigest.Digest);
    }

    [Fact]
    public async Task An_unknown_tag_lists_the_tags_there_are_and_an_unknown_repository_says_so()
    {
        await registries.PushAsync("team/web:v1");
        await registries.PushAsync("team/web:v2");
        using var client = new RegistryClient(new RegistrySettings([registries.Open.Address], []).ClientOptions());
        var resolver = new RegistryImageResolver(client);
        var absent = Digest.Sha256("not pushed"u8);

        var tag = await resolver.ResolveAsync(registries.Open.Reference("team/web:v9"), CancellationToken.None);
        var repository = await resolver.ResolveAsync(registries.Open.Reference("team/wbe:v1"), CancellationToken.None);
        var digest = await resolver.ResolveAsync(registries.Open.Reference("team/web").WithDigest(absent), CancellationToken.None);

        Assert.Equal($"there is no tag v9 in {registries.Open.Address}/team/web; its tags: v1, v2", tag.Problem);
        Assert.Equal($"there is no tag v1 in {registries.Open.Address}/team/wbe: there is no repository team/wbe in registry {registries.Open.Address}, or it has no tags; push the image there first, or check the name", repository.Problem);
        Assert.Equal($"there is no image {absent} in {registries.Open.Address}/team/web: was it pushed to another repository, or deleted?", digest.Problem);
    }

    [Fact]
    public async Task An_http_registry_not_listed_is_refused_naming_the_server_flag()
    {
        await registries.PushAsync("team/web:v1");
        using var client = new RegistryClient(RegistrySettings.None.ClientOptions());

        var resolution = await new RegistryImageResolver(client).ResolveAsync(registries.Open.Reference("team/web:v1"), CancellationToken.None);

        Assert.Null(resolution.Digest);
        Assert.Contains("the registry speaks plain http, not https", resolution.Problem, StringComparison.Ordinal);
        Assert.Contains($"add \"{registries.Open.Address}\" to the server's insecure registries (restart it with `slipway server --insecure-registry HOST:PORT`; repeatable)", resolution.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_that_is_down_is_named_with_what_happened()
    {
        // Bound but not listening: connections are refused, and no other test can take the port meanwhile.
        using var held = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        held.Bind(new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Free()));
        var port = ((IPEndPoint)held.LocalEndPoint!).Port;
        using var client = new RegistryClient(new RegistrySettings([$"127.0.0.1:{port}"], []).ClientOptions());

        var resolution = await new RegistryImageResolver(client).ResolveAsync(ImageReference.Parse($"127.0.0.1:{port}/team/web:v1"), CancellationToken.None);

        Assert.Null(resolution.Digest);
        Assert.StartsWith($"look up manifest v1 in repository team/web of registry 127.0.0.1:{port} failed:", resolution.Problem, StringComparison.Ordinal);
        Assert.Contains("refused", resolution.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_registry_that_wants_a_login_says_how_to_store_one()
    {
        using var client = new RegistryClient(new RegistrySettings([registries.Locked.Address], []).ClientOptions());

        var resolution = await new RegistryImageResolver(client).ResolveAsync(registries.Locked.Reference("team/web:v1"), CancellationToken.None);

        Assert.Null(resolution.Digest);
        Assert.EndsWith($"(store the login the server uses with `slipway registry login {registries.Locked.Address} --username USER --password-stdin`)", resolution.Problem, StringComparison.Ordinal);
    }

    /// <summary>Two registries for the class: one anonymous, one behind Basic authentication.</summary>
    public sealed class Registries : IAsyncLifetime
    {
        private RegistryServer? _open;
        private RegistryServer? _locked;

        internal RegistryServer Open => _open ?? throw new InvalidOperationException("not started");

        internal RegistryServer Locked => _locked ?? throw new InvalidOperationException("not started");

        public async Task<Digest> PushAsync(string name)
        {
            using var client = new RegistryClient(Open.InsecureOptions);
            var image = TestImage.Create(layerCount: 1, layerSize: 1024, label: name);
            await image.PushAsync(client, Open.Reference(name));
            return image.Digest;
        }

        public async Task InitializeAsync()
        {
            _open = await RegistryServer.StartAsync();
            _locked = await RegistryServer.StartAsync(new RegistryServerOptions { Users = new Dictionary<string, string> { ["ci"] = "secret-" + Guid.NewGuid().ToString("N") } });
        }

        public async Task DisposeAsync()
        {
            if (_open is not null)
            {
                await _open.DisposeAsync();
            }

            if (_locked is not null)
            {
                await _locked.DisposeAsync();
            }
        }
    }
}
