using System.Net;
using System.Text;
using System.Text.Json;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Build;

/// <summary>
/// What <c>POST /api/v1/builds</c> refuses before any build starts, and with which status: every problem of a malformed
/// request at once (400), a context or Dockerfile that is not on the server's machine (422); and a cancel of a build
/// that does not run (404). No engine is asked for any of these.
/// </summary>
public sealed class BuildApiTests : IAsyncLifetime
{
    private InProcessServer _server = null!;

    public async Task InitializeAsync() => _server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_malformed_request_is_refused_with_every_problem_at_once()
    {
        var (status, error) = await PostAsync("""{"context": "web", "repository": "127.0.0.1:5000/web:v1", "tags": ["-x"], "lint": {"runsAsRoot": "fail", "sizeBudget": "lots"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            """
            context 'web': expected a full path on the server's machine, e.g. /home/me/web (the CLI sends one)
            repository '127.0.0.1:5000/web:v1': expected the repository alone, without a tag or digest (127.0.0.1:5000/web): the build names the tags from git
            tags: '-x' is not a valid tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'
            lint.sizeBudget 'lots': expected a size such as 500MiB, 1GiB or a number of bytes, above 0
            """.ReplaceLineEndings("\n").Trim(),
            error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_repository_without_a_registry_an_unknown_field_and_a_level_that_is_not_one_are_refused()
    {
        Assert.Equal(
            (HttpStatusCode.BadRequest, "repository 'web': name the registry too, e.g. 127.0.0.1:5000/web (a build is pushed, and Docker Hub is never assumed)"),
            await PostAsync($$"""{"context": {{JsonSerializer.Serialize(_server.Temp.Path)}}, "repository": "web"}"""));

        var (status, error) = await PostAsync($$"""{"context": {{JsonSerializer.Serialize(_server.Temp.Path)}}, "repository": "127.0.0.1:5000/web", "push": false}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'push'", error, StringComparison.Ordinal);

        (status, error) = await PostAsync("{\"context\": " + JsonSerializer.Serialize(_server.Temp.Path) + """, "repository": "127.0.0.1:5000/web", "lint": {"imageSize": "loud"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("$.lint.imageSize", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_or_Dockerfile_the_server_cannot_find_is_refused_saying_where_it_looked()
    {
        var missing = _server.Temp.Combine("nowhere");
        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, $"the build context {missing} is not a directory on the server's machine: slipway build sends the full path of --context, and the server reads it there (as it reads artifact directories)"),
            await PostAsync($$"""{"context": {{JsonSerializer.Serialize(missing)}}, "repository": "127.0.0.1:5000/web"}"""));

        var context = _server.Temp.Combine("site");
        Directory.CreateDirectory(context);
        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, $"there is no Dockerfile in the build context {context}: add one, or name it with -f PATH"),
            await PostAsync($$"""{"context": {{JsonSerializer.Serialize(context)}}, "repository": "127.0.0.1:5000/web"}"""));
        Assert.Equal(
            (HttpStatusCode.UnprocessableEntity, $"the Dockerfile {context}/build/app.Dockerfile does not exist: -f is relative to the context ({context}) unless it is a full path"),
            await PostAsync($$"""{"context": {{JsonSerializer.Serialize(context)}}, "repository": "127.0.0.1:5000/web", "dockerfile": "build/app.Dockerfile"}"""));
    }

    [Fact]
    public async Task Cancelling_a_build_that_does_not_run_is_a_404()
    {
        using var request = _server.Authorized(HttpMethod.Delete, "/api/v1/builds/0123456789abcdef");
        request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await _server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no build 0123456789abcdef is running (it has ended, or never ran on this server)", Error(await response.Content.ReadAsStringAsync()));
    }

    private async Task<(HttpStatusCode Status, string Error)> PostAsync(string body)
    {
        using var request = _server.Authorized(HttpMethod.Post, "/api/v1/builds");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _server.Http.SendAsync(request);
        return (response.StatusCode, Error(await response.Content.ReadAsStringAsync()));
    }

    private static string Error(string json) => JsonDocument.Parse(json).RootElement.GetProperty("error").GetString()!;
}
