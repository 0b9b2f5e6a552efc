using Slipway.Docker.Lint;

namespace Slipway.Docker.Build;

/// <summary>
/// The image was built but a lint rule at level fail found something: it is not pushed. The message lists the failing
/// findings with their Dockerfile lines; <see cref="Report"/> has the warnings too.
/// </summary>
public sealed class ImageLintException(LintReport report, string dockerfile, string imageId)
    : Exception($"the image lint failed, so {imageId} was not pushed:{Environment.NewLine}  " +
        string.Join(Environment.NewLine + "  ", report.Failures.Select(f => f.Format(dockerfile))))
{
    public LintReport Report { get; } = report;

    public string ImageId { get; } = imageId;
}
