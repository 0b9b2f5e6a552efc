using System.Net;
using System.Net.Http.Headers;

namespace Slipway.Oci.Registry;

/// <summary>
/// Sends <see cref="RegistryRequest"/>s: https unless the registry is listed insecure, the authorization the registry
/// asked for last time, one answer to a 401 challenge, and every failure to reach a registry turned into a
/// <see cref="RegistryException"/> that says what to do — a plain-http registry not listed as insecure, a certificate
/// from an unknown authority, a connection refused.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly RegistryClientOptions options;
    private readonly TimeProvider time;
    private readonly HttpClient http;
    private readonly RegistryTls tls;
    private readonly RegistryAuthenticator authenticator;

    /// <param name="wrap">Wraps the socket handler (tests record the requests sent); null for none.</param>
    public RegistryTransport(RegistryClientOptions options, IRegistryCredentials credentials, TimeProvider time, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        this.options = options;
        this.time = time;
        tls = new RegistryTls(options.ExtraCaCertificates);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,

            // Blobs are compressed content addressed by digest: never decompressed on the way.
            AutomaticDecompression = DecompressionMethods.None,

            // Blob downloads are redirected to storage (S3, a CDN); the Authorization header is dropped on redirects.
            AllowAutoRedirect = true,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = { RemoteCertificateValidationCallback = tls.Validate },
        };
        http = new HttpClient(wrap is null ? handler : wrap(handler)) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
        authenticator = new RegistryAuthenticator(http, credentials, time, options.RequestTimeout);
    }

    /// <summary>The registry's API root, <c>https://HOST[:PORT]/v2/</c> (http for an insecure one); Docker Hub's API host for <c>docker.io</c>.</summary>
    public Uri Endpoint(string registry)
    {
        var host = registry == ImageReference.DockerHub ? "registry-1.docker.io" : registry;
        return new Uri($"{(options.IsInsecure(registry) ? "http" : "https")}://{host}/v2/");
    }

    /// <summary>
    /// Sends <paramref name="request"/>, answering one 401 challenge. The answer is the caller's to check and dispose;
    /// a 401 after the challenge was answered, and every transport failure, is thrown.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(RegistryRequest request, CancellationToken ct)
    {
        var response = await SendOnceAsync(request, authenticator.Known(request.Registry, request.Scopes), ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var challenge = AuthenticationChallenge.From(response.Headers.WwwAuthenticate);
        var (errors, text) = await RegistryAnswer.ReadAsync(response, ct).ConfigureAwait(false);
        response.Dispose();
        if (challenge is null)
        {
            throw request.Failure(RegistryAnswer.Describe(HttpStatusCode.Unauthorized, errors, text) + " without a Basic or Bearer challenge (WWW-Authenticate) to answer", HttpStatusCode.Unauthorized, errors);
        }

        if (!request.Replayable)
        {
            throw request.Failure("the registry asked for a login in the middle of an upload, after it had accepted the upload's start with the same access", HttpStatusCode.Unauthorized, errors);
        }

        var authorization = await authenticator.AnswerAsync(request, challenge, ct).ConfigureAwait(false);
        response = await SendOnceAsync(request, authorization, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var again = AuthenticationChallenge.From(response.Headers.WwwAuthenticate);
        (errors, _) = await RegistryAnswer.ReadAsync(response, ct).ConfigureAwait(false);
        response.Dispose();
        throw await authenticator.RefusedAsync(request, again, errors, ct).ConfigureAwait(false);
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendOnceAsync(RegistryRequest request, AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(request.Method, request.Uri);
        message.Headers.Authorization = authorization;
        foreach (var accept in request.Accept)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        if (request.Content is { } content)
        {
            message.Content = content();
            if (request.ContentRange is { } range)
            {
                // "start-end" as the distribution spec writes it, not RFC 9110's "bytes start-end/total".
                message.Content.Headers.TryAddWithoutValidation("Content-Range", range);
            }
        }

        using var timeout = new CancellationTokenSource(request.Unbounded ? Timeout.InfiniteTimeSpan : options.RequestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw request.Failure($"the registry did not answer within {options.RequestTimeout.TotalSeconds:0} s", inner: e);
        }
        catch (HttpRequestException e) when (Cause(e) is { } cause)
        {
            // A streamed body that failed its own check (a source blob not matching its digest): that is the failure.
            throw cause;
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw await TlsFailureAsync(request, e, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw request.Failure($"cannot connect to {request.Uri.GetLeftPart(UriPartial.Authority)}: {e.InnerException?.Message ?? e.Message}", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw request.Failure($"the request to {request.Uri.GetLeftPart(UriPartial.Authority)} failed: {e.Message}", inner: e);
        }
    }

    private static RegistryException? Cause(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is RegistryException registry)
            {
                return registry;
            }
        }

        return null;
    }

    private async Task<RegistryException> TlsFailureAsync(RegistryRequest request, HttpRequestException e, CancellationToken ct)
    {
        var host = request.Uri.Host;
        if (tls.RefusalOf(host) is { } why)
        {
            return request.Failure($"the TLS connection to {request.Registry} was refused because {why}; if a private CA signed it, add that CA's certificate to the trusted CA certificates", inner: e);
        }

        if (await AnswersPlainHttpAsync(request.Registry, ct).ConfigureAwait(false))
        {
            return request.Failure($"the registry speaks plain http, not https; Slipway speaks https to every registry not listed as insecure: "
                + $"to allow plain http to this one (only for a registry on a trusted network, such as loopback), add \"{request.Registry}\" to {options.InsecureRegistriesSetting}", inner: e);
        }

        return request.Failure($"the TLS handshake with {request.Registry} failed: {e.InnerException?.Message ?? e.Message}", inner: e);
    }

    /// <summary>Whether the registry answers an http request: the reason a TLS handshake with it fails, when it does.</summary>
    private async Task<bool> AnswersPlainHttpAsync(string registry, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(ProbeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, $"http://{registry}/v2/");
            using var response = await http.SendAsync(probe, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
