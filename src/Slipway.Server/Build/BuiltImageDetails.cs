namespace Slipway.Server.Build;

/// <summary>
/// The <see cref="Store.ImageRecord.Details"/> of an image <c>slipway build</c> made: where it came from (the commit,
/// branch, version, source), what it carries (labels), and what the lint found, so that a release naming the image
/// can say all of that without asking the registry.
/// </summary>
/// <param name="Dirty">The context had changes the commit does not hold; null outside git.</param>
public sealed record BuiltImageDetails(
    string? Commit,
    string? Branch,
    string? Version,
    bool? Dirty,
    string? Source,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<LintFindingView> Lint,
    string ImageId,
    long Size,
    string Dockerfile);
