using Slipway.Core.Spec;

namespace Slipway.Core.Images;

/// <summary>
/// A <c>kind: ImagePolicy</c> document: what an image must satisfy before it runs in, or is promoted to, the
/// environments the policy names. The policy is declarative and kept in git like an application; Slipway enforces it.
/// A policy is global to a Slipway server (like an analysis template) and names its environments itself, because one
/// rule ("prod and staging run only signed images") usually covers several; several policies may name the same
/// environment, and then every one of them applies (<see cref="EffectiveImagePolicy"/>).
/// </summary>
/// <param name="Environments">The environments it applies to: at least one, each named once.</param>
/// <param name="Signatures">Null when the policy asks for no signature.</param>
/// <param name="Vulnerabilities">Null when the policy sets no vulnerability gate.</param>
public sealed record ImagePolicy(string Name, IReadOnlyList<string> Environments, SignaturePolicy? Signatures, VulnerabilityPolicy? Vulnerabilities)
{
    public const string Kind = "ImagePolicy";

    /// <summary>Where its fields were written, when it was parsed from a file (as <see cref="ApplicationManifest.Source"/>);
    /// not stored: <see cref="Serialization.SlipwayJson"/> leaves it out.</summary>
    public SpecSource? Source { get; init; }

    /// <summary>Whether the policy covers <paramref name="environment"/> (names are exact, as everywhere in the spec).</summary>
    public bool Covers(string environment) => Environments.Contains(environment, StringComparer.Ordinal);
}

/// <summary>
/// Images must carry a valid signature (cosign's key-based format) by at least one of <see cref="Keys"/>: Slipway
/// signing keys, by name. Any one is enough, so that a key can be rotated by listing the old and the new one together
/// for as long as images signed by the old one still run.
/// </summary>
public sealed record SignaturePolicy(IReadOnlyList<string> Keys);

/// <summary>Images with a known vulnerability at or above <see cref="RefuseAt"/> are refused (unless an exception covers it).</summary>
public sealed record VulnerabilityPolicy(VulnerabilitySeverity RefuseAt);
