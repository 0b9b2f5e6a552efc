namespace Slipway.Core.Analysis.Conditions;

/// <summary>How messages quote a piece of a condition or a value: as written, cut short when it is long, so that a
/// message stays one readable line however long the condition or the measured list.</summary>
internal static class ConditionText
{
    private const int MaxShown = 60;

    public static string Of(string text, ConditionNode node) => Shorten(text[node.Start..node.End]);

    public static string Shorten(string written) =>
        written.Length <= MaxShown ? written : string.Concat(written.AsSpan(0, MaxShown - 1), "…");
}
