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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex PlainName();
}
