using System.Collections.Frozen;
using Slipway.Core.Spec;

namespace Slipway.Core.Preflight;

/// <summary>
/// What only the server can know, gathered before the checks run: the value of every secret key the template refers to
/// (absent when not set in the environment) and the state of the artifact.
/// </summary>
/// <param name="Secrets">By secret name and key, without a version (<c>new SecretKeyRef("db", "url")</c>): the value found
/// for the version the template pins, or the newest.</param>
public sealed record PreflightFacts(IReadOnlyDictionary<SecretKeyRef, SecretFact> Secrets, ArtifactFact Artifact)
{
    /// <summary>No secret is set, and the artifact is not judged.</summary>
    public static readonly PreflightFacts None = new(FrozenDictionary<SecretKeyRef, SecretFact>.Empty, ArtifactFact.NotChecked);

    /// <summary>The value of <paramref name="reference"/>'s key, whatever version it names; null when it is not set.</summary>
    public SecretFact? SecretOf(SecretKeyRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Secrets.GetValueOrDefault(Unversioned(reference));
    }

    /// <summary>The key <see cref="Secrets"/> is looked up by: name and key, no version.</summary>
    public static SecretKeyRef Unversioned(SecretKeyRef reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.Version is null ? reference : new SecretKeyRef(reference.Name, reference.Key);
    }
}
