using Slipway.Docker.Engine;

namespace Slipway.Docker.Tests.Engine;

public sealed class DockerEndpointTests
{
    [Fact]
    public void Slipway_s_variable_wins_then_a_unix_DOCKER_HOST_then_the_scripts_default()
    {
        Assert.Equal("/a.sock", DockerEndpoint.FromEnvironment(n => n == DockerEndpoint.HostVariable ? "unix:///a.sock" : "unix:///b.sock").SocketPath);
        Assert.Equal("/b.sock", DockerEndpoint.FromEnvironment(n => n == "DOCKER_HOST" ? "unix:///b.sock" : null).SocketPath);
        Assert.Equal(DockerEndpoint.Default, DockerEndpoint.FromEnvironment(n => n == "DOCKER_HOST" ? "tcp://10.0.0.1:2375" : null));
    }

    [Fact]
    public void Anything_but_a_unix_socket_is_refused_saying_what_is_expected()
    {
        var error = Assert.Throws<FormatException>(() => DockerEndpoint.Parse("tcp://10.0.0.1:2375"));
        Assert.Equal("'tcp://10.0.0.1:2375' is not a Docker Engine address: expected unix:///absolute/path/to/docker.sock", error.Message);
    }

    [Fact]
    public async Task An_engine_that_does_not_answer_is_reported_with_how_to_start_one()
    {
        using var engine = new DockerEngine(new DockerEndpoint("/tmp/slipway-no-engine-" + Guid.NewGuid().ToString("N") + ".sock"));

        var error = await Assert.ThrowsAsync<DockerEngineUnavailableException>(() => engine.VersionAsync(CancellationToken.None));

        Assert.StartsWith("Docker Engine not reachable at unix:///tmp/slipway-no-engine-", error.Message);
        Assert.Contains("scripts/docker-engine.sh start", error.Message);
        Assert.False(await engine.PingAsync(CancellationToken.None));
    }

    [Fact]
    public void Credentials_go_to_the_engine_in_its_header_and_never_show_their_password_elsewhere()
    {
        var credentials = new Slipway.Docker.Engine.RegistryCredentials("ci", "s3cr3t", "127.0.0.1:5000");
        Assert.DoesNotContain("s3cr3t", credentials.ToString());
        var header = RegistryCredentials.Header(credentials).Replace('-', '+').Replace('_', '/');
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header.PadRight((header.Length + 3) / 4 * 4, '=')));
        Assert.Equal("""{"username":"ci","password":"s3cr3t","serveraddress":"127.0.0.1:5000"}""", json);
        Assert.Equal("e30=", RegistryCredentials.Header(null).PadRight(4, '='));
    }
}
