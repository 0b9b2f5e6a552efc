using System.Net.Http.Headers;
using System.Text;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// Credentials written in a URL (<c>http://user:password@host:9090</c>, the way a template gives a Prometheus behind
/// basic authentication): sent as an <c>Authorization: Basic</c> header — <see cref="HttpClient"/> ignores user info —
/// and never shown. Messages name a URL by scheme, host, port and path only, since a query string may carry a token
/// too.
/// </summary>
internal static class UrlCredentials
{
    /// <summary>The URL without its user info, and the basic authorization its user info stands for (null without).</summary>
    public static (Uri Url, AuthenticationHeaderValue? Authorization) Split(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.UserInfo.Length == 0)
        {
            return (url, null);
        }

        var credentials = Uri.UnescapeDataString(url.UserInfo);
        var bare = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
        return (bare, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))));
    }

    /// <summary><c>http://host:port/path</c>, with <c>?…</c> for a query string that is not shown.</summary>
    public static string Shown(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) + (url.Query.Length > 0 ? "?…" : "");
    }

    /// <summary>A URL that did not parse, shown up to its query string and without anything before an <c>@</c>.</summary>
    public static string Shown(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.Split('?')[0];
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        return at > scheme ? text[..(scheme + 3)] + text[(at + 1)..] : text;
    }
}
