using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Slipway.Core.Serialization;
using Slipway.EndToEnd.Tests.Harness;
using Slipway.Server.Api;
using Slipway.Server.Apply;

namespace Slipway.EndToEnd.Tests;

/// <summary>
/// The API is locked: a web page the operator visits (a form post, DNS rebinding) or a caller without the
/// token reaches nothing, and changes nothing. Real server, real HTTP on loopback.
/// </summary>
[Collection(EndToEndCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ApiSecurityTests
{
    [Fact]
    public async Task Calls_without_the_token_for_a_foreign_host_or_from_a_web_page_are_refused_and_change_nothing()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v1", Strategies.Canary, replicas: 1));
        await cluster.WaitForStatusAsync("web", s => s.Phase == "Healthy", "v1 healthy");
        await cluster.ApplyAsync(SlipwayCluster.SampleSpec("web", "v2", Strategies.Canary, replicas: 1));
        var paused = await cluster.WaitForStatusAsync("web", s => s.Phase == "Paused" && s.CurrentStepIndex == 1, "v2 paused at 10 %");
        var eventsBefore = await EventCountAsync(cluster);

        // What a hostile page would apply: an app whose command leaves a mark.
        var marker = Path.Combine(cluster.DataDirectory, "pwned");
        var artifact = Directory.CreateDirectory(Path.Combine(cluster.DataDirectory, "evil-artifact")).FullName;
        var evilSpec = $$"""
            apiVersion: slipway.dev/v1alpha1
            kind: Application
            metadata:
              name: evil
            spec:
              artifact:
                path: {{artifact}}
              command: /bin/sh
              args: ["-c", "touch {{marker}}; sleep 600"]
            """;
        var evilApply = JsonSerializer.Serialize(new ApplyRequest("evil.yaml", evilSpec, artifact), SlipwayJson.Options);
        var wrongToken = new string('x', cluster.Token!.Length);
        const string Page = "http://attacker.example";
        var foreignHost = $"attacker.example:{cluster.ApiPort}";

        var attempts = new List<(string What, Func<HttpRequestMessage> Request, HttpStatusCode Expected)>
        {
            ("GET apps without a token", () => Get("api/v1/apps"), HttpStatusCode.Unauthorized),
            ("promote without a token", () => Json("rollout/promote", "{}"), HttpStatusCode.Unauthorized),
            ("abort without a token", () => Json("rollout/abort", "{}"), HttpStatusCode.Unauthorized),
            ("apply without a token", () => Json(null, evilApply), HttpStatusCode.Unauthorized),
            ("delete without a token", () => Json(null, "{}", HttpMethod.Delete, "api/v1/apps/web/dev"), HttpStatusCode.Unauthorized),
            ("promote with a wrong token", () => Bearer(Json("rollout/promote", "{}"), wrongToken), HttpStatusCode.Unauthorized),
            ("abort with a prefix of the token", () => Bearer(Json("rollout/abort", "{}"), cluster.Token![..^1]), HttpStatusCode.Unauthorized),
            ("apply with the token in another scheme", () => WithHeader(Json(null, evilApply), "Authorization", $"Basic {cluster.Token}"), HttpStatusCode.Unauthorized),

            // DNS rebinding: the page's own name, resolved to 127.0.0.1; with the token or without, refused.
            ("apply through a rebound name", () => WithHost(Json(null, evilApply), foreignHost), HttpStatusCode.Forbidden),
            ("abort through a rebound name with the token", () => WithHost(Bearer(Json("rollout/abort", "{}"), cluster.Token!), foreignHost), HttpStatusCode.Forbidden),
            ("healthz through a rebound name", () => WithHost(Get("healthz"), foreignHost), HttpStatusCode.Forbidden),

            // Form posts from another origin: what any page can send without a preflight.
            ("form post to promote", () => FromPage(Form("rollout/promote", "application/x-www-form-urlencoded", "full=true")), HttpStatusCode.Forbidden),
            ("form post to abort", () => FromPage(Form("rollout/abort", "application/x-www-form-urlencoded", "x=1")), HttpStatusCode.Forbidden),
            ("multipart post to undo", () => FromPage(Form("rollout/undo", "multipart/form-data; boundary=b", "--b--")), HttpStatusCode.Forbidden),
            ("text/plain post to apply", () => FromPage(Form(null, "text/plain", evilApply)), HttpStatusCode.Forbidden),
            ("form post to abort with the token", () => FromPage(Bearer(Form("rollout/abort", "application/x-www-form-urlencoded", "x=1"), cluster.Token!)), HttpStatusCode.Forbidden),
            ("JSON post to apply from a page with the token", () => FromPage(Bearer(Json(null, evilApply), cluster.Token!)), HttpStatusCode.Forbidden),
            ("preflight before a JSON post", () => FromPage(WithHeader(WithHeader(new HttpRequestMessage(HttpMethod.Options, "api/v1/apply"), "Access-Control-Request-Method", "POST"), "Access-Control-Request-Headers", "authorization,content-type")), HttpStatusCode.Forbidden),

            // Not from a page, with the token, but not JSON: mutations take JSON only.
            ("form post to abort, no origin", () => Bearer(Form("rollout/abort", "application/x-www-form-urlencoded", "x=1"), cluster.Token!), HttpStatusCode.UnsupportedMediaType),
            ("text/plain post to apply, no origin", () => Bearer(Form(null, "text/plain", evilApply), cluster.Token!), HttpStatusCode.UnsupportedMediaType),
            ("abort without a body", () => Bearer(new HttpRequestMessage(HttpMethod.Post, "api/v1/apps/web/dev/rollout/abort"), cluster.Token!), HttpStatusCode.UnsupportedMediaType),
            ("promote with the option in the query string", () => Bearer(Json("rollout/promote?full=true", "{}"), cluster.Token!), HttpStatusCode.BadRequest),
            ("promote with a misspelt option", () => Bearer(Json("rollout/promote", """{"ful": true}"""), cluster.Token!), HttpStatusCode.BadRequest),
            ("abort with full", () => Bearer(Json("rollout/abort", """{"full": true}"""), cluster.Token!), HttpStatusCode.BadRequest),
        };

        using var http = new HttpClient { BaseAddress = new Uri(cluster.ServerUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        foreach (var (what, request, expected) in attempts)
        {
            using var message = request();
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
            Assert.False(response.Headers.Any(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)), $"{what}: a CORS header was sent");
            Assert.DoesNotContain(cluster.Token!, body, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(body);
            Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()), $"{what}: {body}");
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Contains("api-token", body, StringComparison.Ordinal); // says where the token is
            }
        }

        // Nothing changed: the rollout waits where it was, no event was added, no app was created, nothing ran.
        var after = await cluster.StatusAsync("web");
        Assert.Equal(("Paused", 1, 1, (int?)2), (after.Phase, after.CurrentStepIndex, after.StableRevision, after.CanaryRevision));
        Assert.Equal(paused.Weights, after.Weights);
        Assert.Equal(eventsBefore, await EventCountAsync(cluster));
        var apps = JsonDocument.Parse(await cluster.Api.GetStringAsync("api/v1/apps")).RootElement;
        Assert.Equal(["web"], apps.EnumerateArray().Select(a => a.GetProperty("app").GetString()));
        Assert.False(File.Exists(marker), "the hostile app's command ran");

        // The same command with the token and a JSON body is honoured: the refusals above were the guard's.
        using var promote = await cluster.Api.PostAsJsonAsync("api/v1/apps/web/dev/rollout/promote", new RolloutCommandRequest(), SlipwayJson.Options);
        Assert.True(promote.IsSuccessStatusCode, await promote.Content.ReadAsStringAsync());
        await cluster.WaitForStatusAsync("web", s => s.CurrentStepIndex > 1 || s.Phase == "Healthy", "promoted past the pause");

        HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

        HttpRequestMessage Json(string? command, string json, HttpMethod? method = null, string? path = null) =>
            new(method ?? HttpMethod.Post, path ?? (command is null ? "api/v1/apply" : $"api/v1/apps/web/dev/{command}"))
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            };

        HttpRequestMessage Form(string? command, string contentType, string content)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, command is null ? "api/v1/apply" : $"api/v1/apps/web/dev/{command}")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(content)),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return request;
        }

        static HttpRequestMessage Bearer(HttpRequestMessage request, string token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }

        static HttpRequestMessage FromPage(HttpRequestMessage request) => WithHeader(request, "Origin", Page);

        static HttpRequestMessage WithHost(HttpRequestMessage request, string host)
        {
            request.Headers.Host = host;
            return request;
        }

        static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
        {
            request.Headers.TryAddWithoutValidation(name, value);
            return request;
        }
    }

    [Fact]
    public async Task The_token_file_is_private_reused_after_a_restart_and_never_logged()
    {
        await using var cluster = new SlipwayCluster();
        await cluster.StartServerAsync();
        var path = ApiTokenFile.PathIn(cluster.DataDirectory);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var token = cluster.Token!;
        Assert.True(token.Length >= 32, token.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await cluster.KillServerAsync();
        await cluster.StartServerAsync();
        Assert.Equal(token, cluster.Token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        var (exit, stdout, stderr) = await cluster.CliAsync("get", "apps");
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain(token, stdout + stderr, StringComparison.Ordinal);

        // Refused calls are logged, without the token (neither the server's nor a wrong one presented).
        using var http = new HttpClient { BaseAddress = new Uri(cluster.ServerUrl + "/") };
        var wrong = "wrong-" + new string('y', 40);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("api/v1/apps")).StatusCode);
        var log = await Eventually.WaitAsync(() => File.ReadAllTextAsync(cluster.ServerLog), l => l.Contains("wrong token", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the refusal in the server's log");
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, log, StringComparison.Ordinal);
        Assert.Contains(path, log, StringComparison.Ordinal); // the log says where the token is
    }

    [Fact]
    public async Task A_non_loopback_api_without_tls_is_refused_at_start_unless_the_operator_accepts_clear_text()
    {
        await using var cluster = new SlipwayCluster();
        var refused = cluster.StartServerProcess("--api", $"0.0.0.0:{cluster.ApiPort}");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await refused.WaitForExitAsync(timeout.Token);
        }

        var log = await File.ReadAllTextAsync(cluster.ServerLog);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("error: --api 0.0.0.0:", log, StringComparison.Ordinal);
        Assert.Contains("--tls-cert FILE --tls-key FILE", log, StringComparison.Ordinal);
        Assert.Contains("--insecure-remote-api", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);

        // Refused before anything started: no token written, no router.
        Assert.False(File.Exists(ApiTokenFile.PathIn(cluster.DataDirectory)), "a token was written");
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDirectory, "router")), "the router was started");

        await cluster.StartServerAsync("--api", $"0.0.0.0:{cluster.ApiPort}", "--insecure-remote-api");
        Assert.Equal("[]", await cluster.Api.GetStringAsync("api/v1/apps"));
    }

    [Fact]
    public async Task With_tls_the_api_serves_https_on_any_interface_to_its_allowed_host_names()
    {
        await using var cluster = new SlipwayCluster();
        using var certificate = SelfSigned();
        var certFile = Path.Combine(cluster.DataDirectory, "api.crt");
        var keyFile = Path.Combine(cluster.DataDirectory, "api.key");
        await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
        using (var key = certificate.GetECDsaPrivateKey()!)
        {
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        }

        cluster.StartServerProcess("--api", $"0.0.0.0:{cluster.ApiPort}", "--tls-cert", certFile, "--tls-key", keyFile, "--api-allowed-host", "slipway.test");
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == certificate.GetCertHashString();
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{cluster.ApiPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.WaitAsync(async () => (await https.GetAsync("healthz")).IsSuccessStatusCode, ok => ok, TimeSpan.FromSeconds(60), "the server's /healthz over https");
        var token = (await File.ReadAllTextAsync(ApiTokenFile.PathIn(cluster.DataDirectory))).Trim();
        https.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("api/v1/apps")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await https.SendAsync(Host(new HttpRequestMessage(HttpMethod.Get, "api/v1/apps"), $"slipway.test:{cluster.ApiPort}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await https.SendAsync(Host(new HttpRequestMessage(HttpMethod.Get, "api/v1/apps"), $"other.test:{cluster.ApiPort}"))).StatusCode);

        // The CLI over https, trusting the certificate as the system's OpenSSL does: through SSL_CERT_FILE.
        var (exit, _, stderr) = await cluster.CliAsync(
            new Dictionary<string, string?> { ["SSL_CERT_FILE"] = certFile },
            "get", "apps", "--server", $"https://localhost:{cluster.ApiPort}");
        Assert.True(exit == 0, stderr);
        Assert.Contains("No apps found in dev.", stderr, StringComparison.Ordinal);

        static HttpRequestMessage Host(HttpRequestMessage request, string host)
        {
            request.Headers.Host = host;
            return request;
        }
    }

    private static async Task<int> EventCountAsync(SlipwayCluster cluster)
    {
        using var history = JsonDocument.Parse(await cluster.Api.GetStringAsync("api/v1/apps/web/dev/history"));
        return history.RootElement.GetProperty("events").GetArrayLength();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=slipway-e2e", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName("slipway.test");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}
