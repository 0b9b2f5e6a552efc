using System.Text.RegularExpressions;

namespace Slipway.Core.Spec.Parsing;

/// <summary>Builds field paths such as <c>spec.env[1].name</c> or <c>metadata.labels["app/tier"]</c>.</summary>
internal static partial class SpecPath
{
    /// <summary>The path of an error that concerns a whole document rather than one field.</summary>
    public const string Document = "(document)";

    /// <summary>The path of an error that concerns the file as a whole.</summary>
    public const string File = "(file)";

    public static string Field(string parent, string name)
    {
        // Map keys chosen by the user (labels) may hold dots or slashes; quote them so the path stays readable.
        if (!PlainName().IsMatch(name))
        {
            return $"{parent}[\"{name}\"]";
        }

        return parent.Length == 0 ? name : $"{parent}.{name}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>The path one level up (<c>spec.env[1]</c> for <c>spec.env[1].name</c>); null at the top.</summary>
    public static string? Parent(string path)
    {
        int cut;
        if (path.EndsWith("\"]", StringComparison.Ordinal))
        {
            cut = path.LastIndexOf("[\"", StringComparison.Ordinal);
        }
        else if (path.EndsWith(']'))
        {
            cut = path.LastIndexOf('[');
        }
        else
        {
            cut = path.LastIndexOf('.');
        }

        return cut > 0 ? path[..cut] : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex PlainName();
}
