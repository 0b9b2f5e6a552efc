using System.Text.RegularExpressions;

namespace Slipway.Docker.Images;

/// <summary>
/// The build's labels as one <c>LABEL</c> line appended to the Dockerfile. The engine's own <c>labels</c> parameter
/// adds one step per label, and on the vfs storage driver every step that changes only metadata still creates a
/// container, a full copy of the image's files (about 10 s for the 216 MiB sample): four labels cost 40 s of a build
/// whose files were all cached. One line costs one step, and, the labels sorted, hits the cache when they are the same.
/// </summary>
internal static partial class LabelInstruction
{
    /// <summary>
    /// The line, or null when a label holds a character the Dockerfile would read differently (quotes, '$', '\',
    /// newlines, the escape directive's backtick): those go through the engine's parameter, slower but exact.
    /// </summary>
    public static string? TryFormat(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0 || labels.Any(l => !SafeKey().IsMatch(l.Key) || !SafeValue().IsMatch(l.Value)))
        {
            return null;
        }

        return "LABEL " + string.Join(' ', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"\"{l.Key}\"=\"{l.Value}\""));
    }

    [GeneratedRegex(@"^[A-Za-z0-9._/-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeKey();

    [GeneratedRegex(@"^[A-Za-z0-9 ._:/@+=,#%~()-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeValue();
}
