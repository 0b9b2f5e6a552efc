using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Slipway.Core.Serialization;
using Slipway.Oci;
using Slipway.Oci.Registry;
using Slipway.Oci.Tests.Support;
using Slipway.Server.Apply;
using Slipway.Server.Images;
using Slipway.Server.Tests.Support;
using Slipway.Store;

namespace Slipway.Server.Tests.Images;

/// <summary>
/// A real registry (<c>docker-registry</c>, on this suite's ports 17800-17899) and a real Slipway server in this process
/// that lists it as insecure (plain http on loopback), its API spoken to over HTTP. Every answer body is kept, and
/// every line the server logs, so that a test can check that none holds a secret; the data directory can be scanned
/// too. Disposing stops both and deletes their directories.
/// </summary>
internal sealed class ImageServer : IAsyncDisposable
{
    private readonly List<string> _bodies = [];

    private ImageServer(RegistryServer registry, InProcessServer server, CapturedLogs logs)
    {
        Registry = registry;
        Server = server;
        Logs = logs;
    }

    public RegistryServer Registry { get; }

    public InProcessServer Server { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Every body the API answered, in order.</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    /// <param name="users">Basic authentication at the registry (htpasswd), user → password; anonymous when null.</param>
    public static async Task<ImageServer> StartAsync(IReadOnlyDictionary<string, string>? users = null)
    {
        var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Users = users });
        var logs = new CapturedLogs();
        try
        {
            var server = await InProcessServer.StartAsync(
                configure: o => o with { MinimumLogLevel = LogLevel.Debug, Registries = new RegistrySettings([registry.Address], []) },
                services: s => s.AddSingleton<ILoggerProvider>(logs));
            return new ImageServer(registry, server, logs);
        }
        catch
        {
            await registry.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>127.0.0.1:PORT/NAME</c>: a repository of the registry (with a tag or digest when <paramref name="name"/> has one).</summary>
    public ImageReference Reference(string name) => Registry.Reference(name);

    /// <summary>A new small image pushed to <paramref name="name"/> (a repository with its tag) with the given login; its reference by digest.</summary>
    public async Task<ImageReference> PushImageAsync(string name, RegistryCredential? login = null)
    {
        using var client = new RegistryClient(Registry.InsecureOptions, new FixedLogin(login));
        var image = TestImage.Create(layerCount: 1, layerSize: 4096, label: name);
        var target = Reference(name);
        await image.PushAsync(client, target);
        return target.WithDigest(image.Digest);
    }

    /// <summary>A registry client of the test's own (not the server's), for reading and writing what the server stored.</summary>
    public RegistryClient Client(RegistryCredential? login = null) => new(Registry.InsecureOptions, new FixedLogin(login));

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, object? body)
    {
        using var request = Server.Authorized(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body, SlipwayJson.Options), Encoding.UTF8, "application/json");
        }

        using var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        lock (_bodies)
        {
            _bodies.Add(text);
        }

        return (response.StatusCode, text);
    }

    /// <summary>An answer that must be a success, read as <typeparamref name="T"/>.</summary>
    public async Task<T> OkAsync<T>(HttpMethod method, string path, object? body)
    {
        var (status, text) = await SendAsync(method, path, body);
        Assert.True(status == HttpStatusCode.OK, $"{method} {path}: {(int)status} {text}");
        return JsonSerializer.Deserialize<T>(text, SlipwayJson.Options)!;
    }

    /// <summary>Applies <paramref name="yaml"/> as <c>slipway apply</c> does; the status and the answer.</summary>
    public async Task<(HttpStatusCode Status, string Body)> ApplyAsync(string yaml)
    {
        var path = Server.Temp.WriteFile("app.yaml", yaml);
        return await SendAsync(HttpMethod.Post, "/api/v1/apply", new ApplyRequest(path, yaml, Server.Temp.Path));
    }

    /// <summary>The server's store, opened beside it (SQLite allows it): what the server recorded.</summary>
    public Task<SqliteStore> OpenStoreAsync() => SqliteStore.OpenAsync(Server.Options.StorePath, TimeProvider.System, CancellationToken.None);

    /// <summary>
    /// Where <paramref name="needle"/> appears in clear: in any file of the data directory (the store and its WAL, the key
    /// file, logs), in any answer body, in any line the server logged. Empty when nowhere.
    /// </summary>
    public IReadOnlyList<string> FindInClear(string needle)
    {
        var bytes = Encoding.UTF8.GetBytes(needle);
        var found = Directory.EnumerateFiles(Server.Options.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(file => Contains(ReadShared(file), bytes))
            .Select(file => $"file {Path.GetRelativePath(Server.Options.DataDirectory, file)}")
            .ToList();
        found.AddRange(Bodies.Where(b => b.Contains(needle, StringComparison.Ordinal)).Select(b => $"answer {b}"));
        found.AddRange(Logs.Lines.Where(l => l.Contains(needle, StringComparison.Ordinal)).Select(l => $"log {l}"));
        return found;
    }

    /// <summary>The files of the data directory that hold <paramref name="needle"/> as it is (a key's DER bytes).</summary>
    public IReadOnlyList<string> FilesHolding(byte[] needle) =>
        [.. Directory.EnumerateFiles(Server.Options.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(file => Contains(ReadShared(file), needle))
            .Select(file => Path.GetRelativePath(Server.Options.DataDirectory, file))];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Registry.DisposeAsync();
    }

    private static byte[] ReadShared(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (IOException)
        {
            return []; // a file that went away while listed (a log rotated)
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>One login for every registry, or none.</summary>
    private sealed class FixedLogin(RegistryCredential? login) : IRegistryCredentials
    {
        public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => Task.FromResult(login);
    }
}
