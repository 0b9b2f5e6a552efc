using System.Net.Http.Headers;
using System.Text;
using Slipway.Core.Hooks;
using Slipway.Core.Spec;
using Slipway.Server.Analysis.Providers;
using Slipway.Server.Secrets;

namespace Slipway.Server.Hooks;

/// <summary>
/// One attempt of an <c>http</c> hook: a request to its URL (POST unless it says otherwise) carrying the rollout's
/// moment as JSON (<see cref="HookPayload"/>), or the hook's own <c>body</c>. A 2xx answer succeeds; anything else, a
/// redirect included (none is followed), fails, as does no answer within the hook's timeout. The first
/// <see cref="OutputLimit"/> bytes of the answer are kept, secret values redacted. Messages name the request by
/// method, scheme, host and path only: a query string or user info may carry a token, and headers are never shown.
/// </summary>
internal sealed class HttpHook(HttpClient http, ISecretLookup secrets, TimeProvider time)
{
    /// <summary>How much of an answer is kept: enough for an error a hook explains itself with.</summary>
    public const int OutputLimit = 4 * 1024;

    public async Task<HookOutcome> SendAsync(HttpHookAction action, TimeSpan timeout, string payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!Uri.TryCreate(action.Url, UriKind.Absolute, out var written) || written.Scheme is not ("http" or "https"))
        {
            return HookOutcome.Failed($"the URL \"{UrlCredentials.Shown(action.Url)}\" is not an http:// or https:// URL");
        }

        var (url, authorization) = UrlCredentials.Split(written);
        var what = $"{action.Method.ToUpperInvariant()} {UrlCredentials.Shown(url)}";
        HttpRequestMessage request;
        try
        {
            request = Request(action, url, authorization, payload);
        }
        catch (FormatException e)
        {
            return HookOutcome.Failed($"the request {what} cannot be sent: {e.Message}");
        }

        using (request)
        using (var deadline = new CancellationTokenSource(timeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token))
        {
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                var output = secrets.Redact(await ReadStartAsync(response.Content, linked.Token).ConfigureAwait(false));
                var code = (int)response.StatusCode;
                var status = $"{code} {response.ReasonPhrase}".TrimEnd();
                return code is >= 200 and < 300
                    ? new HookOutcome(true, null, code, output, $"{what} answered {status}")
                    : new HookOutcome(false, null, code, output, code is >= 300 and < 400
                        ? $"{what} answered {status}: redirects are not followed"
                        : $"{what} answered {status}");
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return HookOutcome.Failed($"{what} did not answer within the timeout of {DurationParser.Format(timeout)}");
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                return HookOutcome.Failed($"{what} failed: {secrets.Redact(e.Message)}");
            }
        }
    }

    /// <summary>The start of the answer, as text; the rest is not read.</summary>
    private static async Task<string> ReadStartAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[OutputLimit];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <exception cref="FormatException">A method or a header that HTTP cannot carry.</exception>
    private static HttpRequestMessage Request(HttpHookAction action, Uri url, AuthenticationHeaderValue? authorization, string payload)
    {
        var method = HttpMethod.Parse(action.Method.Trim().ToUpperInvariant());
        var request = new HttpRequestMessage(method, url);
        try
        {
            if (!action.Headers.Any(h => string.Equals(h.Name, "Authorization", StringComparison.OrdinalIgnoreCase)))
            {
                request.Headers.Authorization = authorization;
            }

            if (method != HttpMethod.Get)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(action.Body ?? payload));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            foreach (var header in action.Headers)
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
                    throw new FormatException($"the header \"{header.Name}\" cannot be sent");
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
}
