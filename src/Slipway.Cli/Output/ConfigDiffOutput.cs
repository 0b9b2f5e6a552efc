using System.Globalization;
using System.Text;
using Slipway.Core.Config;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>diff APP --from dev --to prod</c>: whether two environments' configuration differs, missing names first
/// (<c>Missing in prod: SMTP_HOST</c>), then names whose values differ, then <c>requiredEnv</c>; then, for the record,
/// names from the same secret key in both (their values are not compared) and names with the same value. Every line
/// comes from the server's comparison, which holds no secret's value.
/// </summary>
internal static class ConfigDiffOutput
{
    public static string Text(ConfigDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var text = new StringBuilder();
        var sides = $"{diff.From} (revision {diff.FromRevision}) and {diff.To} (revision {diff.ToRevision})";
        text.AppendLine(CultureInfo.InvariantCulture, $"{diff.App}: {sides} {(diff.Equal ? "have the same configuration" : "differ")}");
        foreach (var missing in diff.Missing)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Missing in {missing.Environment}: {string.Join(", ", missing.Names)}");
        }

        Section(text, "Different values:", diff.Different);
        Section(text, "requiredEnv:", diff.RequiredEnv);
        Section(text, "Not compared (from the same secret in both):", diff.SecretsInBoth);
        if (diff.Same.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Same in both: {string.Join(", ", diff.Same)}");
        }

        return text.ToString();
    }

    private static void Section(StringBuilder text, string title, IReadOnlyList<ConfigDifference> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        text.AppendLine(title);
        foreach (var line in lines)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {line.Summary}");
        }
    }
}
