using Slipway.Docker.Engine;
using Slipway.Docker.Tests.Support;
using Slipway.Oci;

namespace Slipway.Docker.Tests.Images;

/// <summary>Pushes and pulls through the engine to a registry that asks for a login, with the credentials the caller gives.</summary>
public sealed class PushTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Password = "pa55-w0rd-for-the-test";
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private DockerEngine _engine = null!;
    private RegistryProcess _registry = null!;

    private ImageReference Tagged => ImageReference.Parse($"{_registry.Host}/private/busybox:{_run}");

    public async Task InitializeAsync()
    {
        _engine = await TestEngine.ConnectAsync();
        _registry = await RegistryProcess.StartAsync(("ci", Password));
        await _engine.Images.TagAsync(TestEngine.BusyboxImage, Tagged, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        try
        {
            var image = await _engine.Images.InspectAsync(TestEngine.BusyboxImage, CancellationToken.None);
            foreach (var name in image!.RepoTags.Concat(image.RepoDigests).Where(n => n.StartsWith(_registry.Host + "/", StringComparison.Ordinal)))
            {
                await _engine.Images.RemoveAsync(name, force: false, CancellationToken.None);
            }
        }
        finally
        {
            _engine.Dispose();
            _registry.Dispose();
        }
    }

    [Fact]
    public async Task The_caller_s_credentials_push_and_pull_and_a_wrong_password_is_refused_without_showing_it()
    {
        var wrong = new RegistryCredentials("ci", "not-" + Password, _registry.Host);
        var refused = await Assert.ThrowsAsync<DockerEngineException>(() => _engine.Images.PushAsync(Tagged, wrong, null, CancellationToken.None));
        output.WriteLine(refused.Message);
        Assert.StartsWith($"push of {Tagged} failed: ", refused.Message);
        Assert.DoesNotContain(Password, refused.Message);
        Assert.Empty(await _registry.TagsAsync("private/busybox"));

        var right = new RegistryCredentials("ci", Password, _registry.Host);
        var lines = new List<string>();
        var digest = await _engine.Images.PushAsync(Tagged, right, lines.Add, CancellationToken.None);

        Assert.Contains($"{_run}: digest: {digest} size: ", string.Join('\n', lines));
        Assert.DoesNotContain(lines, l => l.Contains(Password, StringComparison.Ordinal));

        // Pulled back by digest once the engine has forgotten it.
        var byDigest = Tagged with { Tag = null, Digest = digest };
        await _engine.Images.RemoveAsync(Tagged.ToString(), force: false, CancellationToken.None);
        await _engine.Images.RemoveAsync(byDigest.ToString(), force: false, CancellationToken.None);
        var noLogin = await Assert.ThrowsAsync<DockerEngineException>(() => _engine.Images.PullAsync(byDigest, null, null, CancellationToken.None));
        output.WriteLine(noLogin.Message);
        Assert.StartsWith($"pull of {byDigest}", noLogin.Message);

        await _engine.Images.PullAsync(byDigest, right, null, CancellationToken.None);
        Assert.Contains(byDigest.ToString(), (await _engine.Images.InspectAsync(byDigest.ToString(), CancellationToken.None))!.RepoDigests);
    }
}
