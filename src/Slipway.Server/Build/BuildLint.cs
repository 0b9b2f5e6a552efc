using Slipway.Docker.Lint;
using Slipway.Server.Apply;

namespace Slipway.Server.Build;

/// <summary>
/// How a build's image-policy lint judges it (<c>slipway build --lint-root fail --size-budget 200MiB</c>): each rule's
/// level, <c>warn</c>, <c>fail</c> or <c>off</c>, and the size budget. A rule left out keeps its default
/// (<see cref="ImageLintOptions"/>: a secret-looking name fails, the rest warn, 500 MiB).
/// </summary>
/// <param name="RunsAsRoot">The image's user is root.</param>
/// <param name="UnpinnedBase">A base image not pinned by digest, or on <c>:latest</c>.</param>
/// <param name="SecretName">An ENV or ARG whose name says secret.</param>
/// <param name="ImageSize">The image is above <paramref name="SizeBudget"/>.</param>
/// <param name="SizeBudget">A size such as <c>500MiB</c>, <c>1GiB</c> or a number of bytes.</param>
public sealed record BuildLint(
    LintLevel? RunsAsRoot = null,
    LintLevel? UnpinnedBase = null,
    LintLevel? SecretName = null,
    LintLevel? ImageSize = null,
    string? SizeBudget = null)
{
    /// <summary>Why the lint settings cannot be used; null when they can.</summary>
    public string? Problem()
    {
        foreach (var (name, level) in new[] { ("runsAsRoot", RunsAsRoot), ("unpinnedBase", UnpinnedBase), ("secretName", SecretName), ("imageSize", ImageSize) })
        {
            if (level is { } given && !Enum.IsDefined(given))
            {
                return $"lint.{name}: expected warn, fail or off";
            }
        }

        return SizeBudget is { } budget && (!ArtifactLimits.TryParseSize(budget, out var bytes) || bytes <= 0)
            ? $"lint.sizeBudget '{budget}': expected a size such as 500MiB, 1GiB or a number of bytes, above 0"
            : null;
    }

    public ImageLintOptions ToOptions()
    {
        var defaults = ImageLintOptions.Default;
        var budget = SizeBudget is { } text && ArtifactLimits.TryParseSize(text, out var bytes) ? bytes : defaults.SizeBudgetBytes;
        return new ImageLintOptions(
            RunsAsRoot ?? defaults.RunsAsRoot,
            UnpinnedBase ?? defaults.UnpinnedBase,
            SecretName ?? defaults.SecretName,
            ImageSize ?? defaults.ImageSize,
            budget);
    }
}
