using Slipway.Core.Analysis;
using Slipway.Core.Images;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// The kinds of document a spec file may hold — applications, analysis templates and image policies, in any order — and the two
/// fields every document starts with, <c>apiVersion</c> and <c>kind</c>.
/// </summary>
internal static class DocumentKinds
{
    public static readonly IReadOnlyList<string> Known = [ApplicationManifest.Kind, AnalysisTemplate.Kind, ImagePolicy.Kind];

    /// <summary>The known kinds as an error lists them: <c>'Application', 'AnalysisTemplate' or 'ImagePolicy'</c>.</summary>
    public static string Expected => string.Join(", ", Known.SkipLast(1).Select(k => $"'{k}'")) + $" or '{Known[^1]}'";

    /// <summary>
    /// Which reader a document goes to, before anything is reported: the kind it names; for a misspelt kind, the known
    /// kind it is closest to, so that its other fields are checked as the author meant them; otherwise (no kind, or
    /// one not close to any) an application, the kind most files hold.
    /// </summary>
    public static string Of(SpecNode root)
    {
        var kind = root is SpecMapping mapping
            ? mapping.Entries.FirstOrDefault(e => e.Key is SpecScalar { Value: "kind" })?.Value as SpecScalar
            : null;
        if (kind is null || kind.IsNull)
        {
            return ApplicationManifest.Kind;
        }

        return Known.Contains(kind.Value, StringComparer.Ordinal)
            ? kind.Value
            : FieldSuggestion.Closest(kind.Value, Known) ?? ApplicationManifest.Kind;
    }

    /// <summary>Checks <c>apiVersion</c> (exactly <see cref="ApplicationManifest.ApiVersion"/>) and <c>kind</c> (a known one).</summary>
    public static void CheckHeader(SpecReader reader, MappingFields document)
    {
        var apiVersion = reader.RequiredString(document, "apiVersion");
        if (apiVersion.Length > 0 && apiVersion != ApplicationManifest.ApiVersion && document.Value("apiVersion") is { } versionNode)
        {
            reader.Error(versionNode.Start, "apiVersion", $"expected '{ApplicationManifest.ApiVersion}', got '{apiVersion}'");
        }

        var kind = reader.RequiredString(document, "kind");
        if (kind.Length > 0 && !Known.Contains(kind, StringComparer.Ordinal) && document.Value("kind") is { } kindNode)
        {
            var hint = FieldSuggestion.Closest(kind, Known) is { } suggestion ? $" (did you mean '{suggestion}'?)" : "";
            reader.Error(kindNode.Start, "kind", $"expected {Expected}, got '{kind}'{hint}");
        }
    }
}
