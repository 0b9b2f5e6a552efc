using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Slipway.Server.Api;

namespace Slipway.Server.Tests.Api;

/// <summary>
/// The API's guard over real HTTP on loopback, in front of endpoints that count the calls reaching them:
/// every refusal is an answer in JSON, and the endpoint never ran.
/// </summary>
public sealed class ApiGuardTests : IAsyncLifetime
{
    private const string Token = "test-token-0123456789-abcdefghijklmnopqrstuv";

    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private int _reached;

    public async Task InitializeAsync()
    {
        Assert.True(ListenAddress.TryParse("127.0.0.1:7070", out var bound, out _));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddApiSecurity(new ApiToken(Token), new HostAllowList(["slipway.internal"], bound));
        _app = builder.Build();
        _app.UseApiSecurity();
        _app.MapGet("/healthz", () => "ok");
        _app.MapGet("/api/v1/apps", () => Reached());
        _app.MapPost("/api/v1/apps/{app}/{env}/rollout/{command}", () => Reached());
        _app.MapDelete("/api/v1/apps/{app}/{env}", () => Reached());
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        using var response = await _http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer wrong")]
    [InlineData("Bearer " + Token + "x")]
    [InlineData("Bearer test-token-0123456789-abcdefghijklmnopqrstu")]
    [InlineData("Bearer TEST-TOKEN-0123456789-ABCDEFGHIJKLMNOPQRSTUV")]
    [InlineData("Basic " + Token)]
    [InlineData(Token)]
    public async Task A_call_without_the_right_token_is_401_and_reaches_nothing(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/apps");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var body = await RefusedAsync(request, HttpStatusCode.Unauthorized);

        Assert.Contains("api-token", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_in_any_case_of_the_scheme_is_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/apps");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + Token);

        await ReachedAsync(request);
    }

    [Theory]
    [InlineData("localhost:7070")]
    [InlineData("LocalHost")]
    [InlineData("127.0.0.1:1")]
    [InlineData("[::1]:7070")]
    [InlineData("slipway.internal:7070")]
    public async Task Loopback_and_configured_host_names_are_answered_on_any_port(string host)
    {
        using var request = Authorized(HttpMethod.Get, "/api/v1/apps");
        request.Headers.Host = host;

        await ReachedAsync(request);
    }

    [Theory]
    [InlineData("attacker.example:7070")]
    [InlineData("localhost.attacker.example")]
    [InlineData("127.0.0.1.nip.io:7070")]
    [InlineData("127.0.0.2:7070")]
    [InlineData("slipway.internal.attacker.example")]
    public async Task Any_other_host_name_is_403_even_with_the_token_and_on_health(string host)
    {
        using var request = Authorized(HttpMethod.Get, "/api/v1/apps");
        request.Headers.Host = host;
        using var health = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        health.Headers.Host = host;

        await RefusedAsync(request, HttpStatusCode.Forbidden);
        await RefusedAsync(health, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("http://attacker.example")]
    [InlineData("http://localhost:7070")]
    [InlineData("null")]
    public async Task A_request_from_a_web_page_is_403_whatever_it_carries(string origin)
    {
        using var request = Authorized(HttpMethod.Post, "/api/v1/apps/web/dev/rollout/abort", "{}", "application/json");
        request.Headers.TryAddWithoutValidation("Origin", origin);

        await RefusedAsync(request, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_preflight_gets_no_cors_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/apps/web/dev/rollout/abort");
        request.Headers.TryAddWithoutValidation("Origin", "http://attacker.example");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "authorization, content-type");

        await RefusedAsync(request, HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("POST", "application/x-www-form-urlencoded")]
    [InlineData("POST", "multipart/form-data; boundary=b")]
    [InlineData("POST", "text/plain")]
    [InlineData("POST", "application/jsonx")]
    [InlineData("POST", "application/json-patch+json")]
    [InlineData("POST", null)]
    [InlineData("DELETE", null)]
    [InlineData("DELETE", "text/plain")]
    [InlineData("PUT", "text/plain")]
    [InlineData("PATCH", "application/x-www-form-urlencoded")]
    public async Task A_mutation_without_a_json_content_type_is_415(string method, string? contentType)
    {
        var path = method == "POST" ? "/api/v1/apps/web/dev/rollout/abort" : "/api/v1/apps/web/dev";
        using var request = Authorized(new HttpMethod(method), path, contentType is null ? null : "x=1", contentType);

        var body = await RefusedAsync(request, HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("application/json", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "application/json")]
    [InlineData("POST", "application/json; charset=utf-8")]
    [InlineData("POST", "Application/JSON")]
    [InlineData("DELETE", "application/json")]
    public async Task A_mutation_with_the_token_and_json_is_answered(string method, string contentType)
    {
        var path = method == "POST" ? "/api/v1/apps/web/dev/rollout/abort" : "/api/v1/apps/web/dev";
        using var request = Authorized(new HttpMethod(method), path, "{}", contentType);

        await ReachedAsync(request);
    }

    [Fact]
    public async Task An_unknown_path_or_method_is_a_json_error()
    {
        using var unknown = Authorized(HttpMethod.Get, "/api/v1/nope");
        using var options = Authorized(HttpMethod.Options, "/api/v1/apps");

        Assert.Contains("no such API path: GET /api/v1/nope", await RefusedAsync(unknown, HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.Contains("/api/v1/apps does not take OPTIONS", await RefusedAsync(options, HttpStatusCode.MethodNotAllowed), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private IResult Reached()
    {
        Interlocked.Increment(ref _reached);
        return Results.Json(new { reached = true });
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string? body = null, string? contentType = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        return request;
    }

    private async Task ReachedAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _reached);
    }

    /// <summary>The refusal's JSON body; asserts its status, that it is {"error": …}, that no CORS header came, and that no endpoint ran.</summary>
    private async Task<string> RefusedAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()), body);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }

        Assert.Equal(0, _reached);
        return body;
    }
}
