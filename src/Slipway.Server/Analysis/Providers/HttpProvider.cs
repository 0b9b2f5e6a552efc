using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The <c>http</c> provider (Argo's <c>web</c>): one request per measurement; the answer must be 2xx and JSON, and
/// <c>result</c> is the value at the metric's <c>jsonPath</c> (<see cref="JsonValuePath"/>), or the whole document
/// without one. Messages name the request by method, scheme, host and path only: a query string or user info in the
/// URL may carry a token (user info is sent as basic authentication, see <see cref="UrlCredentials"/>), and headers
/// (an <c>Authorization</c>) are never shown.
/// </summary>
internal sealed class HttpProvider(HttpClient http, TimeProvider time) : IMetricProvider
{
    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Metric.Provider is not HttpMetricProvider spec)
        {
            return ProviderResult.Failed($"the http provider cannot measure a {request.Metric.Provider.GetType().Name}");
        }

        if (!Uri.TryCreate(spec.Url, UriKind.Absolute, out var written) || written.Scheme is not ("http" or "https"))
        {
            return ProviderResult.Failed($"the URL \"{UrlCredentials.Shown(spec.Url)}\" is not an http:// or https:// URL");
        }

        var (url, authorization) = UrlCredentials.Split(written);

        JsonValuePath? path = null;
        if (!string.IsNullOrWhiteSpace(spec.JsonPath) && (path = JsonValuePath.Parse(spec.JsonPath, out var pathError)) is null)
        {
            return ProviderResult.Failed($"the jsonPath \"{spec.JsonPath}\" is not a path to one value: {pathError}");
        }

        if (spec.Timeout <= TimeSpan.Zero)
        {
            return ProviderResult.Failed($"the timeout must be positive, not {DurationParser.Format(spec.Timeout)}");
        }

        HttpRequestMessage message;
        try
        {
            message = Request(spec, url, authorization);
        }
        catch (FormatException e)
        {
            return ProviderResult.Failed($"the request to {Describe(spec.Method, url)} cannot be sent: {e.Message}");
        }

        var what = Describe(message.Method.Method, url);
        using (message)
        using (var timeout = new CancellationTokenSource(spec.Timeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
        {
            try
            {
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var body = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxBytes, linked.Token).ConfigureAwait(false);
                if (body is null)
                {
                    return ProviderResult.Failed($"{what} answered more than {ResponseBody.MaxBytes / (1024 * 1024)} MiB");
                }

                var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
                return response.IsSuccessStatusCode
                    ? Read(what, status, body, path)
                    : ProviderResult.Failed($"{what} answered {status}: {ResponseBody.Snippet(body)}");
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return ProviderResult.Failed($"{what} did not answer within the timeout of {DurationParser.Format(spec.Timeout)}");
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // Refused, reset, cut short, not HTTP.
                return ProviderResult.Failed($"{what} failed: {e.Message}");
            }
        }
    }

    private static ProviderResult Read(string what, string status, byte[] body, JsonValuePath? path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return ProviderResult.Failed($"{what} answered {status} with a body that is not JSON: {ResponseBody.Snippet(body)}");
        }

        using (document)
        {
            if (path is null)
            {
                return new ProviderResult(AnalysisValue.FromJson(document.RootElement));
            }

            return path.TryRead(document.RootElement, out var value, out var error)
                ? new ProviderResult(AnalysisValue.FromJson(value))
                : ProviderResult.Failed($"{what} answered, but the jsonPath {path} found nothing: {error}");
        }
    }

    /// <summary>The request; a body without a <c>Content-Type</c> header is sent as <c>application/json</c>.</summary>
    /// <exception cref="FormatException">A method or a header that HTTP cannot carry.</exception>
    private static HttpRequestMessage Request(HttpMetricProvider spec, Uri url, AuthenticationHeaderValue? authorization)
    {
        var method = string.IsNullOrWhiteSpace(spec.Method) ? HttpMethod.Get : HttpMethod.Parse(spec.Method.Trim().ToUpperInvariant());
        var request = new HttpRequestMessage(method, url);
        if (!spec.Headers.Any(h => string.Equals(h.Name, "Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            // An Authorization header of the spec's own wins over user info in the URL.
            request.Headers.Authorization = authorization;
        }

        try
        {
            if (spec.Body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(spec.Body));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            foreach (var header in spec.Headers)
            {
                if (request.Content is not null && header.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                {
                    request.Content.Headers.Remove(header.Name);
                    if (!request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value))
                    {
                        throw new FormatException($"the header \"{header.Name}\" cannot be sent");
                    }
                }
                else if (!request.Headers.TryAddWithoutValidation(header.Name, header.Value))
                {
                    throw new FormatException($"the header \"{header.Name}\" cannot be sent"
                        + (header.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? " on a request without a body" : ""));
                }
            }

            return request;
        }
        catch
        {
            request.Dispose();
            throw;
        }
    }

    /// <summary><c>GET http://host:port/path</c> (<see cref="UrlCredentials.Shown(Uri)"/>).</summary>
    private static string Describe(string method, Uri url) => $"{method.ToUpperInvariant()} {UrlCredentials.Shown(url)}";
}
