using System.Net;
using System.Text.Json.Nodes;

namespace Slipway.Cli.Tests;

/// <summary>What the CLI says for an answer that is not a success: the API's message, or the status alone — never the body.</summary>
public sealed class ApiResultTests
{
    private static readonly Uri Server = new("http://127.0.0.1:7070/");

    [Fact]
    public void The_apis_error_is_the_message()
    {
        var result = new ApiResult(HttpStatusCode.NotFound, JsonNode.Parse("""{"error": "app web not found"}"""), """{"error": "app web not found"}""", Server);

        var error = Assert.Throws<CliException>(() => result.EnsureOk());
        Assert.Equal("app web not found", error.Message);
        Assert.Equal(1, error.ExitCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>", "502 Bad Gateway")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "503 Service Unavailable")]
    [InlineData(HttpStatusCode.NotFound, "no route for this host", "404 Not Found")]
    [InlineData((HttpStatusCode)599, "{", "599")]
    public void A_body_that_is_not_the_apis_json_gives_the_status_alone(HttpStatusCode status, string body, string said)
    {
        var result = new ApiResult(status, null, body, Server);

        var error = Assert.Throws<CliException>(() => result.EnsureOk());
        Assert.Equal($"the server at http://127.0.0.1:7070/ answered {said}", error.Message);
    }

    [Theory]
    [InlineData("""{"error": {"code": 5}}""")]
    [InlineData("""{"error": ""}""")]
    [InlineData("""{"message": "elsewhere"}""")]
    [InlineData("""["error"]""")]
    public void Json_without_an_error_string_gives_the_status_alone(string body)
    {
        var result = new ApiResult(HttpStatusCode.InternalServerError, JsonNode.Parse(body), body, Server);

        Assert.Equal("the server at http://127.0.0.1:7070/ answered 500 Internal Server Error", Assert.Throws<CliException>(() => result.EnsureOk()).Message);
    }

    [Fact]
    public void A_success_that_is_not_json_is_an_error_when_a_document_is_needed()
    {
        var result = new ApiResult(HttpStatusCode.OK, null, "<html>a login page</html>", Server);

        var error = Assert.Throws<CliException>(() => result.EnsureOk().Document);
        Assert.StartsWith("the server at http://127.0.0.1:7070/ answered 200 OK with a body that is not JSON", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("<", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_of_another_shape_is_an_error_that_names_the_server()
    {
        var result = new ApiResult(HttpStatusCode.OK, JsonNode.Parse("""{"app": 5}"""), """{"app": 5}""", Server);

        var error = Assert.Throws<CliException>(() => result.Read<List<Slipway.Server.Api.AppSummary>>());
        Assert.StartsWith("the server at http://127.0.0.1:7070/ sent JSON this slipway does not understand", error.Message, StringComparison.Ordinal);
    }
}
