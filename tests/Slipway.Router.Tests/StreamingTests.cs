using System.Net;
using System.Security.Cryptography;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

public sealed class StreamingTests
{
    private const int Size = 20 * 1024 * 1024;

    [Fact]
    public async Task A_20_MB_upload_streams_to_the_backend()
    {
        await using var backend = await TestBackend.StartAsync("upload");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        var body = RandomNumberGenerator.GetBytes(Size);
        using var response = await router.Client.PostAsync("/sha256", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{Size}:{Convert.ToHexStringLower(SHA256.HashData(body))}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_chunked_upload_streams_without_a_content_length()
    {
        await using var backend = await TestBackend.StartAsync("echo");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        var body = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var content = new StreamContent(new NonSeekableStream(body));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sha256") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await router.Client.SendAsync(request);
        Assert.Equal($"{body.Length}:{Convert.ToHexStringLower(SHA256.HashData(body))}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_20_MB_download_streams_to_the_client()
    {
        await using var backend = await TestBackend.StartAsync("download");
        await using var router = await RouterHarness.StartAsync(RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])));

        using var response = await router.Client.GetAsync($"/download?bytes={Size}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(Size, response.Content.Headers.ContentLength);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var pattern = TestBackend.Pattern(64 * 1024);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                Assert.Equal(pattern[(total + i) % pattern.Length], buffer[i]);
            }

            total += read;
        }

        Assert.Equal(Size, total);
    }

    /// <summary>A stream HttpClient cannot measure, which forces chunked transfer encoding.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
