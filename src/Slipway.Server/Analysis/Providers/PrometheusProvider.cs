using System.Globalization;
using Slipway.Core.Analysis;
using Slipway.Core.Spec;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// The <c>prometheus</c> provider: one PromQL instant query (<c>GET {address}/api/v1/query?query=…</c>) per
/// measurement, evaluated by Prometheus at the moment it is asked; <see cref="PrometheusAnswer"/> says what the
/// answer becomes. Prometheus is asked to give up at the metric's timeout too (its <c>timeout</c> parameter), so a
/// slow query stops costing it when Slipway stops waiting. Credentials in the address are sent as basic
/// authentication and never shown (<see cref="UrlCredentials"/>).
/// </summary>
internal sealed class PrometheusProvider(HttpClient http, TimeProvider time) : IMetricProvider
{
    public async Task<ProviderResult> MeasureAsync(MeasureRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Metric.Provider is not PrometheusMetricProvider spec)
        {
            return ProviderResult.Failed($"the prometheus provider cannot measure a {request.Metric.Provider.GetType().Name}");
        }

        if (!Uri.TryCreate(spec.Address.TrimEnd('/') + "/", UriKind.Absolute, out var written) || written.Scheme is not ("http" or "https"))
        {
            return ProviderResult.Failed($"the Prometheus address \"{UrlCredentials.Shown(spec.Address)}\" is not an http:// or https:// URL");
        }

        var (address, authorization) = UrlCredentials.Split(written);
        var where = $"Prometheus at {UrlCredentials.Shown(address).TrimEnd('/')}";
        if (spec.Timeout <= TimeSpan.Zero)
        {
            return ProviderResult.Failed($"the Prometheus timeout must be positive, not {DurationParser.Format(spec.Timeout)}");
        }

        // Seconds as a decimal: Prometheus reads a bare number as seconds (its durations take no fractions).
        var seconds = spec.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var uri = new Uri(address, $"api/v1/query?query={Uri.EscapeDataString(spec.Query)}&timeout={seconds}");
        using var timeout = new CancellationTokenSource(spec.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var query = new HttpRequestMessage(HttpMethod.Get, uri);
            query.Headers.Authorization = authorization;
            using var response = await http.SendAsync(query, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ResponseBody.ReadAsync(response.Content, ResponseBody.MaxBytes, linked.Token).ConfigureAwait(false);
            return body is null
                ? ProviderResult.Failed($"{where} answered more than {ResponseBody.MaxBytes / (1024 * 1024)} MiB: aggregate the query (sum, topk …) to the numbers the conditions read")
                : PrometheusAnswer.Read(where, (int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return ProviderResult.Failed($"{where} did not answer within the timeout of {DurationParser.Format(spec.Timeout)}");
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return ProviderResult.Failed($"cannot reach {where}: {e.Message}");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // A connection reset, a malformed answer, an answer cut short.
            return ProviderResult.Failed($"the query to {where} failed: {e.Message}");
        }
    }
}
