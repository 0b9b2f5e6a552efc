using System.Diagnostics.CodeAnalysis;

namespace Slipway.Oci.Vulnerabilities;

/// <summary>
/// How one ecosystem orders its versions. Advisories' ranges ("introduced 0, fixed 1.2.3") mean nothing without it:
/// Debian sorts <c>1.0~rc1</c> before <c>1.0</c>, SemVer puts <c>1.0.0-beta</c> before <c>1.0.0</c>, PEP 440 puts
/// <c>1.0.dev1</c> before <c>1.0a1</c>, NuGet reads <c>1.0</c> as <c>1.0.0.0</c>. A version a scheme cannot parse is
/// not comparable — the matcher says so rather than guessing.
/// </summary>
internal interface IVersionScheme
{
    /// <summary>The parsed version, comparable with others of this scheme; false when <paramref name="text"/> is not one.</summary>
    bool TryParse(string text, [NotNullWhen(true)] out IComparable? version);
}

/// <summary>A scheme over a version type that parses itself.</summary>
internal sealed class VersionScheme<T>(VersionScheme<T>.Parser parse) : IVersionScheme
    where T : class, IComparable
{
    public delegate bool Parser(string text, [NotNullWhen(true)] out T? version);

    public bool TryParse(string text, [NotNullWhen(true)] out IComparable? version)
    {
        var ok = parse(text, out var typed);
        version = typed;
        return ok;
    }
}
