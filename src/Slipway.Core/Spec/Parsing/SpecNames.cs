using System.Text.RegularExpressions;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// The naming rules of the spec. They follow Kubernetes so that the same spec can later run on
/// the Kubernetes target, where names become object names, labels and DNS entries.
/// Each check returns null when the value is fine, or the message saying what is expected.
/// </summary>
internal static partial class SpecNames
{
    public const int MaxLabelLength = 63;
    public const int MaxHostLength = 253;

    /// <summary>RFC 1123 label: app names, environment names, header-route names.</summary>
    public static string? CheckDnsLabel(string value) =>
        value.Length > MaxLabelLength ? $"must be at most {MaxLabelLength} characters, got {value.Length}"
        : DnsLabel().IsMatch(value) ? null
        : $"must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, got '{value}'";

    /// <summary>A lowercase RFC 1123 hostname, as the router matches the Host header.</summary>
    public static string? CheckHost(string value)
    {
        if (value.Length > MaxHostLength)
        {
            return $"must be at most {MaxHostLength} characters, got {value.Length}";
        }

        if (value.Any(char.IsAsciiLetterUpper))
        {
            return $"must be lowercase, got '{value}'";
        }

        var labels = value.Split('.');
        return labels.All(l => l.Length <= MaxLabelLength && DnsLabel().IsMatch(l)) ? null
            : $"must be a hostname: dot-separated DNS labels of lowercase letters, digits and '-', got '{value}'";
    }

    public static string? CheckPathPrefix(string value) =>
        !value.StartsWith('/') ? $"must start with '/', got '{value}'"
        : value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#') ? $"must be a URL path without spaces, '?' or '#', got '{value}'"
        : null;

    /// <summary>What a POSIX shell accepts as a variable name.</summary>
    public static string? CheckEnvName(string value) =>
        EnvName().IsMatch(value) ? null
        : $"must be a letter or '_' followed by letters, digits or '_', got '{value}'";

    /// <summary>An HTTP header field name (an RFC 9110 token).</summary>
    public static string? CheckHeaderName(string value) =>
        HeaderName().IsMatch(value) ? null : $"must be an HTTP header name, got '{value}'";

    /// <summary>A Kubernetes label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static string? CheckLabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || CheckHost(prefix) is not null)
            {
                return $"the prefix of a label key must be a lowercase DNS subdomain, got '{prefix}'";
            }
        }

        return name.Length is > 0 and <= MaxLabelLength && LabelValue().IsMatch(name) ? null
            : $"must be a label key: at most {MaxLabelLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit, optionally after a 'prefix/', got '{key}'";
    }

    /// <summary>A Kubernetes label value: empty, or at most 63 characters as for a label name.</summary>
    public static string? CheckLabelValue(string value) =>
        value.Length == 0 || (value.Length <= MaxLabelLength && LabelValue().IsMatch(value)) ? null
        : $"must be a label value: at most {MaxLabelLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got '{value}'";

    /// <summary>
    /// An analysis argument, as <c>{{args.NAME}}</c> names it: a letter or '_', then letters, digits, '-' or '_'
    /// (Argo Rollouts' templates use names such as <c>service-name</c>).
    /// </summary>
    public static string? CheckArgName(string value) =>
        value.Length > MaxLabelLength ? $"must be at most {MaxLabelLength} characters, got {value.Length}"
        : ArgName().IsMatch(value) ? null
        : $"must be a letter or '_' followed by letters, digits, '-' or '_', got '{value}'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex ArgName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
