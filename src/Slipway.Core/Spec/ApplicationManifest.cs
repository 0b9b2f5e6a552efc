namespace Slipway.Core.Spec;

/// <summary>
/// A parsed and validated <c>kind: Application</c> document: one app in one environment.
/// </summary>
/// <param name="Source">Where its fields were written, when it was parsed from a file (see <see cref="SpecSource"/>).</param>
public sealed record ApplicationManifest(ApplicationMetadata Metadata, ApplicationSpec Spec, SpecSource? Source = null)
{
    public const string ApiVersion = "slipway.dev/v1alpha1";
    public const string Kind = "Application";
}

/// <param name="Name">The app name: lowercase letters, digits and '-', at most 63 characters.</param>
/// <param name="Environment">The environment this document deploys to (default <c>dev</c>).</param>
public sealed record ApplicationMetadata(
    string Name,
    string Environment,
    IReadOnlyDictionary<string, string> Labels);
