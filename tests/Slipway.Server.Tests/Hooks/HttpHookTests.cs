using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Slipway.Core.Analysis;
using Slipway.Core.Hooks;
using Slipway.Server.Hooks;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Hooks;

/// <summary>An http hook's attempt against a real listener: what it sends, what succeeds, what is kept of the answer.</summary>
public sealed class HttpHookTests : IAsyncLifetime
{
    private const string Token = "t0k-of-the-hook-endpoint";

    private TestVault _secrets = null!;

    public async Task InitializeAsync()
    {
        _secrets = await TestVault.OpenAsync();
        await _secrets.SetAsync("prod", "hooks", "token", Token);
    }

    public async Task DisposeAsync() => await _secrets.DisposeAsync();

    private HttpHook Hook(HttpClient http) => new(http, _secrets.Vault, TimeProvider.System);

    [Fact]
    public async Task The_moment_is_posted_as_json_with_the_hooks_headers_and_a_2xx_answer_succeeds()
    {
        var received = new ConcurrentQueue<(string Method, string? ContentType, string? Authorization, string Body)>();
        await using var endpoint = await LoopbackApp.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((context.Request.Method, context.Request.ContentType, context.Request.Headers.Authorization, await reader.ReadToEndAsync()));
            context.Response.StatusCode = 202;
            await context.Response.WriteAsync(new string('x', 10_000));
        });
        using var http = HookHttp.CreateClient();
        var action = new HttpHookAction(endpoint.Url("/hooks?team=web"), "POST", [new HttpHeaderSpec("Authorization", "Bearer abc")], null);

        var outcome = await Hook(http).SendAsync(action, TimeSpan.FromSeconds(10), """{"app":"web"}""", CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(202, outcome.HttpStatus);
        Assert.Equal($"POST http://{endpoint.Address}/hooks?… answered 202 Accepted", outcome.Message);
        Assert.Equal(HttpHook.OutputLimit, outcome.Output!.Length);
        var request = Assert.Single(received);
        Assert.Equal(("POST", "application/json; charset=utf-8", "Bearer abc", """{"app":"web"}"""), request);
    }

    [Fact]
    public async Task An_answer_other_than_2xx_fails_and_keeps_the_start_of_the_answer_with_secrets_redacted()
    {
        await using var endpoint = await LoopbackApp.StartAsync(async context =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync($"not ready: token {Token} expired");
        });
        using var http = HookHttp.CreateClient();

        var outcome = await Hook(http).SendAsync(new HttpHookAction(endpoint.Url("/"), "PUT", [], """{"custom":true}"""), TimeSpan.FromSeconds(10), "{}", CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(503, outcome.HttpStatus);
        Assert.Equal($"PUT http://{endpoint.Address}/ answered 503 Service Unavailable", outcome.Message);
        Assert.Equal("not ready: token [secret hooks/token] expired", outcome.Output);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_fails()
    {
        var redirected = 0;
        await using var endpoint = await LoopbackApp.StartAsync(context =>
        {
            if (context.Request.Path == "/elsewhere")
            {
                Interlocked.Increment(ref redirected);
                return Task.CompletedTask;
            }

            context.Response.Redirect("/elsewhere");
            return Task.CompletedTask;
        });
        using var http = HookHttp.CreateClient();

        var outcome = await Hook(http).SendAsync(new HttpHookAction(endpoint.Url("/hooks"), "POST", [new HttpHeaderSpec("X-Api-Key", "k")], null), TimeSpan.FromSeconds(10), "{}", CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(302, outcome.HttpStatus);
        Assert.EndsWith("answered 302 Found: redirects are not followed", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(0, redirected);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_fails()
    {
        await using var endpoint = await LoopbackApp.StartAsync(async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        using var http = HookHttp.CreateClient();

        var outcome = await Hook(http).SendAsync(new HttpHookAction(endpoint.Url("/slow"), "POST", [], null), TimeSpan.FromSeconds(1), "{}", CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.HttpStatus);
        Assert.Equal($"POST http://{endpoint.Address}/slow did not answer within the timeout of 1s", outcome.Message);
    }

    [Fact]
    public async Task A_get_sends_no_body()
    {
        var bodies = new ConcurrentQueue<long?>();
        await using var endpoint = await LoopbackApp.StartAsync(context =>
        {
            bodies.Enqueue(context.Request.ContentLength);
            return Task.CompletedTask;
        });
        using var http = HookHttp.CreateClient();

        var outcome = await Hook(http).SendAsync(new HttpHookAction(endpoint.Url("/approve"), "GET", [], null), TimeSpan.FromSeconds(10), """{"app":"web"}""", CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.True(Assert.Single(bodies) is null or 0);
    }
}
