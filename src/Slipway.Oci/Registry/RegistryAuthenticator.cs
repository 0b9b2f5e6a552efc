using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Slipway.Oci.Registry;

/// <summary>
/// Answers registries' 401 challenges and remembers the answers, so that the next request carries its authorization
/// from the start. Basic: the login from <see cref="IRegistryCredentials"/>. Bearer (the distribution spec's token
/// flow): ask the challenge's realm for a token for the service and scopes (with the login as Basic when there is
/// one, anonymously when not), read <c>token</c> or <c>access_token</c>, and keep it per registry and scopes until
/// its <c>expires_in</c> (60 s when not given, as the spec says) is nearly over.
/// </summary>
/// <remarks>
/// State is per client instance (tokens of one registry are not another's). Messages name the registry and the
/// token service, never the login or the token.
/// </remarks>
internal sealed class RegistryAuthenticator(HttpClient http, IRegistryCredentials credentials, TimeProvider time, TimeSpan requestTimeout)
{
    private readonly ConcurrentDictionary<string, AuthenticationChallenge> challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> basics = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Registry, string Scopes), CachedToken> tokens = new();

    /// <summary>The authorization a request for <paramref name="scopes"/> carries before any challenge: what the registry asked for last time, if still valid.</summary>
    public AuthenticationHeaderValue? Known(string registry, IReadOnlyList<string> scopes)
    {
        if (!challenges.TryGetValue(registry, out var challenge))
        {
            return null;
        }

        if (challenge.IsBasic)
        {
            return basics.GetValueOrDefault(registry);
        }

        return tokens.TryGetValue((registry.ToLowerInvariant(), RegistryScope.Key(scopes)), out var token) && token.ExpiresAt > time.GetUtcNow()
            ? new AuthenticationHeaderValue("Bearer", token.Value)
            : null;
    }

    /// <summary>
    /// The authorization that answers <paramref name="challenge"/> for <paramref name="request"/>; throws when there
    /// is none (no login for a registry that wants one, the login refused by the token service).
    /// </summary>
    public async Task<AuthenticationHeaderValue> AnswerAsync(RegistryRequest request, AuthenticationChallenge challenge, CancellationToken ct)
    {
        challenges[request.Registry] = challenge;
        var login = await credentials.GetAsync(request.Registry, ct).ConfigureAwait(false);
        if (challenge.IsBasic)
        {
            if (login is null)
            {
                throw request.Failure($"the registry asks for a login (Basic authentication) and none is configured for {request.Registry}", HttpStatusCode.Unauthorized);
            }

            var basic = BasicOf(login);
            basics[request.Registry] = basic;
            return basic;
        }

        var token = await FetchTokenAsync(request, challenge, login, ct).ConfigureAwait(false);
        tokens[(request.Registry.ToLowerInvariant(), RegistryScope.Key(request.Scopes))] = token;
        return new AuthenticationHeaderValue("Bearer", token.Value);
    }

    /// <summary>Why a request that answered the challenge was refused again: the login is wrong, or lacks access to the repository.</summary>
    public async Task<RegistryException> RefusedAsync(RegistryRequest request, AuthenticationChallenge? again, IReadOnlyList<RegistryError> errors, CancellationToken ct)
    {
        var login = await credentials.GetAsync(request.Registry, ct).ConfigureAwait(false);
        var challenge = challenges.GetValueOrDefault(request.Registry);
        basics.TryRemove(request.Registry, out _);
        tokens.TryRemove((request.Registry.ToLowerInvariant(), RegistryScope.Key(request.Scopes)), out _);
        var said = errors.Count > 0 ? $" ({string.Join("; ", errors)})" : "";
        if (challenge is { IsBasic: true })
        {
            return request.Failure($"the registry refused the login configured for {request.Registry}{said}: wrong username or password?", HttpStatusCode.Unauthorized, errors);
        }

        var insufficient = again?.Parameters.GetValueOrDefault("error") == "insufficient_scope" ? ", insufficient_scope" : "";
        return login is null
            ? request.Failure($"the registry does not allow anonymous access to {string.Join(" and ", request.Scopes)}{insufficient}{said}: configure a login for {request.Registry}", HttpStatusCode.Unauthorized, errors)
            : request.Failure($"the registry refused the token it issued to the configured login for {string.Join(" and ", request.Scopes)}{insufficient}{said}: the login has no such access to the repository", HttpStatusCode.Unauthorized, errors);
    }

    private async Task<CachedToken> FetchTokenAsync(RegistryRequest request, AuthenticationChallenge challenge, RegistryCredential? login, CancellationToken ct)
    {
        if (challenge.Realm is not { } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
        {
            throw request.Failure($"the registry's Bearer challenge names no usable token service (realm \"{challenge.Realm}\")", HttpStatusCode.Unauthorized);
        }

        var service = realmUri.GetLeftPart(UriPartial.Path);
        var query = new List<string>();
        if (challenge.Service is { } name)
        {
            query.Add("service=" + Uri.EscapeDataString(name));
        }

        foreach (var scope in RegistryScope.Merge(request.Scopes.Concat(challenge.Scopes)))
        {
            query.Add("scope=" + Uri.EscapeDataString(scope));
        }

        var separator = realmUri.Query.Length > 0 ? "&" : "?";
        using var ask = new HttpRequestMessage(HttpMethod.Get, realmUri + (query.Count > 0 ? separator + string.Join('&', query) : ""));
        if (login is not null)
        {
            ask.Headers.Authorization = BasicOf(login);
        }

        using var timeout = new CancellationTokenSource(requestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(ask, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw request.Failure($"the token service {service} did not answer within {requestTimeout.TotalSeconds:0} s", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw request.Failure($"cannot reach the token service {service}: {e.Message}", inner: e);
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw login is null
                    ? request.Failure($"the registry asks for a login (token service {service}) and none is configured for {request.Registry}", HttpStatusCode.Unauthorized)
                    : request.Failure($"the token service {service} refused the login configured for {request.Registry} ({(int)response.StatusCode}): wrong username or password?", HttpStatusCode.Unauthorized);
            }

            if (!response.IsSuccessStatusCode)
            {
                var (errors, text) = await RegistryAnswer.ReadAsync(response, ct).ConfigureAwait(false);
                throw request.Failure("no token was issued: " + RegistryAnswer.Describe(response.StatusCode, errors, text, $"the token service {service}"), response.StatusCode, errors);
            }

            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return Parse(body, request, service);
        }
    }

    private CachedToken Parse(byte[] body, RegistryRequest request, string service)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var value = String(root, "token") ?? String(root, "access_token");
            if (string.IsNullOrEmpty(value))
            {
                throw request.Failure($"the token service {service} answered without a token (neither \"token\" nor \"access_token\")");
            }

            var seconds = root.TryGetProperty("expires_in", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt32(out var s) && s > 0 ? s : 60;

            // Renewed a little before it runs out, so that a request is not sent with a token about to expire.
            return new CachedToken(value, time.GetUtcNow() + TimeSpan.FromSeconds(seconds * 0.9));
        }
        catch (JsonException e)
        {
            throw request.Failure($"the token service {service} answered something that is not JSON", inner: e);
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static AuthenticationHeaderValue BasicOf(RegistryCredential login) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login.Username}:{login.Password}")));

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresAt)
    {
        public override string ToString() => $"CachedToken(***, until {ExpiresAt:O})";
    }
}
