namespace Slipway.Docker.Lint;

/// <summary>
/// Each rule's level and the size budget. The defaults fail a build only for a secret-looking ENV or ARG (its value is
/// readable by anyone who pulls the image, and cannot be taken back once pushed); the others warn, since teams reach
/// pinned bases and non-root users at their own pace.
/// </summary>
public sealed record ImageLintOptions(
    LintLevel RunsAsRoot = LintLevel.Warn,
    LintLevel UnpinnedBase = LintLevel.Warn,
    LintLevel SecretName = LintLevel.Fail,
    LintLevel ImageSize = LintLevel.Warn,
    long SizeBudgetBytes = 500L * 1024 * 1024)
{
    public static readonly ImageLintOptions Default = new();

    public LintLevel LevelOf(LintRule rule) => rule switch
    {
        LintRule.RunsAsRoot => RunsAsRoot,
        LintRule.UnpinnedBase => UnpinnedBase,
        LintRule.SecretName => SecretName,
        LintRule.ImageSize => ImageSize,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    /// <summary>Reads a level as a spec writes it: <c>warn</c>, <c>fail</c> or <c>off</c>.</summary>
    public static bool TryParseLevel(string? text, out LintLevel level)
    {
        level = text?.Trim().ToLowerInvariant() switch
        {
            "warn" => LintLevel.Warn,
            "fail" => LintLevel.Fail,
            "off" => LintLevel.Off,
            _ => (LintLevel)(-1),
        };
        return Enum.IsDefined(level);
    }
}
