using DiffPlex.Renderer;

namespace Slipway.Core.Spec.Diff;

/// <summary>
/// What changes in an app×env's spec, as a unified diff of the two <see cref="CanonicalSpec"/> renderings — so
/// formatting and field order never show as changes — with every secret masked on both sides
/// (<see cref="SensitiveValues"/>): no value the rule takes for a secret ever appears in the text.
/// </summary>
public static class SpecDiff
{
    /// <summary>Lines of unchanged context around each change, as <c>diff -u</c>.</summary>
    public const int ContextLines = 3;

    /// <summary>
    /// The unified diff from <paramref name="current"/> (null: the app×env does not exist yet, and every line is added)
    /// to <paramref name="desired"/>, with <paramref name="currentLabel"/> and <paramref name="desiredLabel"/> in its
    /// <c>---</c>/<c>+++</c> header; empty when they render the same.
    /// </summary>
    public static string Compare(string app, string environment, ApplicationSpec? current, string currentLabel, ApplicationSpec desired, string desiredLabel)
    {
        ArgumentNullException.ThrowIfNull(desired);
        // Without the final newline: a line splitter would see an empty last line, shown as an added "+".
        var before = current is null ? "" : CanonicalSpec.Render(app, environment, SensitiveValues.Mask(current)).TrimEnd('\n');
        var after = CanonicalSpec.Render(app, environment, SensitiveValues.Mask(desired, current)).TrimEnd('\n');
        if (before == after)
        {
            return "";
        }

        var diff = UnidiffRenderer.GenerateUnidiff(before, after, currentLabel, desiredLabel, ignoreWhitespace: false, ignoreCase: false, contextLines: ContextLines);

        // From nothing, diff -u and git write "-0,0" (no line before the first); DiffPlex writes "-1,0".
        return current is null ? diff.Replace("@@ -1,0 +", "@@ -0,0 +", StringComparison.Ordinal) : diff;
    }
}
