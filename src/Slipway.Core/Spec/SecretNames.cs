using System.Text.RegularExpressions;
using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Spec;

/// <summary>
/// The naming rules of secrets, as Kubernetes has them, so a spec that refers to a secret runs unchanged on the
/// Kubernetes target: a secret's name is a DNS label (it is also part of commands and URLs), a key is what a Kubernetes
/// Secret's data key may be. The spec parser, the API and the CLI all check with these. Each returns null when the name
/// is fine, or what is expected.
/// </summary>
public static partial class SecretNames
{
    /// <summary>The longest key Kubernetes accepts (a DNS subdomain's length).</summary>
    public const int MaxKeyLength = 253;

    /// <summary>A secret's name: a DNS label (lowercase letters, digits and '-', at most 63 characters).</summary>
    public static string? CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 ? "must not be empty" : SpecNames.CheckDnsLabel(name);
    }

    /// <summary>A key of a secret: letters, digits, '.', '_' and '-' (<c>[A-Za-z0-9._-]+</c>), at most 253 characters.</summary>
    public static string? CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == 0 ? "must not be empty"
            : key.Length > MaxKeyLength ? $"must be at most {MaxKeyLength} characters, got {key.Length}"
            : key is "." or ".." ? $"must not be '{key}'"
            : Key().IsMatch(key) ? null
            : $"must hold only letters, digits, '.', '_' and '-', got '{key}'";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex Key();
}
