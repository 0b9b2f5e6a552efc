using System.Net.Http.Headers;
using System.Text;

namespace Slipway.Oci.Registry;

/// <summary>
/// A registry's 401 challenge, from its <c>WWW-Authenticate</c> header: <c>Basic realm="…"</c>, or
/// <c>Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:web:pull"</c>
/// (the token flow of the distribution spec: ask the realm for a token for that service and scope).
/// </summary>
internal sealed record AuthenticationChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>The scopes the registry asked for (space-separated in the header), e.g. a mount's two repositories.</summary>
    public IReadOnlyList<string> Scopes =>
        Parameters.TryGetValue("scope", out var scope) ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>The first challenge this client can answer (Bearer before Basic), or null when there is none.</summary>
    public static AuthenticationChallenge? From(HttpHeaderValueCollection<AuthenticationHeaderValue> headers)
    {
        var challenges = headers.Select(h => Parse(h.Scheme, h.Parameter)).ToList();
        return challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
    }

    /// <summary>Reads <c>key=value</c> and <c>key="quoted \"value\""</c> pairs separated by commas (RFC 7235's auth-params).</summary>
    public static AuthenticationChallenge Parse(string scheme, string? parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = parameters ?? "";
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=')
            {
                continue; // a bare token68 or a stray word: nothing a registry challenge carries
            }

            i++; // '='
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                    i++;
                }

                i++; // closing quote
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    value.Append(text[i]);
                    i++;
                }
            }

            if (key.Length > 0)
            {
                values[key] = value.ToString().Trim();
            }
        }

        return new AuthenticationChallenge(scheme, values);
    }
}
