using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Slipway.Oci.Tests.Support;

/// <summary>
/// A token service for the distribution spec's token flow, over real HTTP on a loopback port: <c>GET /token?service=…&amp;scope=…</c>
/// with Basic credentials answers a JWT (ES256, signed by a key whose self-signed certificate the registry trusts
/// through its <c>rootcertbundle</c>, and sent in the token's <c>x5c</c> header) granting the asked repository
/// actions to a known user; an anonymous request gets a token granting nothing; a wrong password gets 401.
/// Counts what it was asked, so tests can see tokens being reused.
/// </summary>
internal sealed class TokenServer : IAsyncDisposable
{
    public const string Service = "slipway-test-registry";
    public const string Issuer = "slipway-test-token-service";

    private readonly HttpListener listener;
    private readonly ECDsa key;
    private readonly X509Certificate2 certificate;
    private readonly IReadOnlyDictionary<string, string> users;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task serving;
    private readonly List<string> requests = [];

    private TokenServer(HttpListener listener, int port, IReadOnlyDictionary<string, string> users, int expiresInSeconds)
    {
        this.listener = listener;
        this.users = users;
        ExpiresInSeconds = expiresInSeconds;
        Realm = $"http://127.0.0.1:{port}/token";
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Slipway test token signer", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var signed = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        certificate = X509CertificateLoader.LoadCertificate(signed.RawData);
        serving = ServeAsync();
    }

    public string Realm { get; }

    public int ExpiresInSeconds { get; }

    /// <summary>Every token request's query (<c>service=…&amp;scope=…</c>), in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    /// <param name="users">Who may have a token: name → password.</param>
    public static TokenServer Start(IReadOnlyDictionary<string, string> users, int expiresInSeconds = 300)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new TokenServer(listener, port, users, expiresInSeconds);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Writes the signing certificate as PEM to <paramref name="path"/>: the registry's <c>rootcertbundle</c>.</summary>
    public string WriteCertificate(string path)
    {
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Close();
        try
        {
            await serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        stopping.Dispose();
        key.Dispose();
        certificate.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        lock (requests)
        {
            requests.Add(context.Request.Url?.Query.TrimStart('?') ?? "");
        }

        string? subject = null;
        var authorization = context.Request.Headers["Authorization"];
        if (authorization is not null)
        {
            var pair = authorization.StartsWith("Basic ", StringComparison.Ordinal)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..])).Split(':', 2)
                : [];
            if (pair.Length != 2 || !users.TryGetValue(pair[0], out var password) || password != pair[1])
            {
                context.Response.StatusCode = 401;
                Write(context, """{"details":"incorrect username or password"}""");
                return;
            }

            subject = pair[0];
        }

        var scopes = (context.Request.QueryString.GetValues("scope") ?? []).SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var access = subject is null
            ? []
            : scopes.Select(scope => scope.Split(':')).Where(parts => parts.Length == 3 && parts[0] == "repository")
                .Select(parts => new { type = "repository", name = parts[1], actions = parts[2].Split(',') }).ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new
        {
            iss = Issuer,
            sub = subject ?? "",
            aud = Service,
            exp = now + ExpiresInSeconds,
            nbf = now - 60,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        };
        var header = new { typ = "JWT", alg = "ES256", x5c = new[] { Convert.ToBase64String(certificate.RawData) } };
        var signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var token = $"{signingInput}.{Base64Url(signature)}";
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        Write(context, JsonSerializer.Serialize(new { token, expires_in = ExpiresInSeconds, issued_at = DateTimeOffset.UtcNow.ToString("O") }));
    }

    private static void Write(HttpListenerContext context, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength64 = bytes.Length;
        context.Response.OutputStream.Write(bytes);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
