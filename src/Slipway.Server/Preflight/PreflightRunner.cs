using Microsoft.Extensions.Logging;
using Slipway.Core.Preflight;
using Slipway.Core.Spec;
using Slipway.Server.Apply;
using Slipway.Server.Secrets;

namespace Slipway.Server.Preflight;

/// <summary>
/// Gathers what the preflight checks need to know — the values of the secret keys a template refers to (through
/// <see cref="ISecretLookup"/>), and the state of its artifact — and runs them (<see cref="PreflightChecks"/>, in Core).
/// Every release that would start instances of a revision asks first: an apply that starts a rollout (and its dry run,
/// <c>slipway validate</c>), <c>rollout undo</c> and <c>retry</c>, and a secret change that makes a revision
/// (<see cref="CheckRevisionAsync"/>). A refused release starts nothing and moves nothing.
/// </summary>
internal sealed partial class PreflightRunner(
    ISecretLookup secrets, ArtifactStore artifacts, Images.IImageResolver images, ServerOptions options, TimeProvider time, ILogger<PreflightRunner> logger)
{
    /// <summary>
    /// The checks of an apply (or dry run) whose document starts a rollout: its artifact has just been hashed (and, but
    /// in a dry run, copied), so only the secrets and the spec are judged.
    /// </summary>
    public async Task<PreflightResult> CheckAppliedAsync(string app, string environment, ApplicationSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var facts = await SecretFactsAsync(environment, spec.Template, ct) with { Artifact = ArtifactFact.Verified(spec.Template.Artifact.Digest) };
        return Logged(PreflightChecks.Run(app, environment, spec, facts));
    }

    /// <summary>
    /// The checks of a release of a revision made earlier, or made without an apply: <paramref name="spec"/> is the
    /// app×env's spec with the template of the revision that would start. Also verifies the store's copy of its
    /// artifact (<see cref="StoredArtifactCheck"/>).
    /// </summary>
    /// <remarks>
    /// Call it before saving a revision made by a secret change, under the app×env's control-plane lock: when
    /// <see cref="PreflightResult.Refused"/>, save nothing and report <see cref="PreflightResult.Message"/>, which names
    /// every item at once; otherwise pass on <see cref="PreflightResult.WarningMessages"/> with the answer.
    /// </remarks>
    public async Task<PreflightResult> CheckRevisionAsync(string app, string environment, ApplicationSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var facts = await SecretFactsAsync(environment, spec.Template, ct);
        var artifact = spec.Template.Artifact.PinnedImage() is { } image
            ? await ImageCheckAsync(Oci.ImageReference.Parse(image), ct)
            : await StoredArtifactCheck.CheckAsync(artifacts, spec.Template.Artifact, options.Artifacts, time, ct);
        return Logged(PreflightChecks.Run(app, environment, spec, facts with { Artifact = artifact }));
    }

    /// <summary>An image revision's artifact: its registry still serves the pinned digest (a repository deleted, or garbage-collected, does not).</summary>
    private async Task<ArtifactFact> ImageCheckAsync(Oci.ImageReference pinned, CancellationToken ct)
    {
        var resolution = await images.ResolveAsync(pinned, ct);
        return resolution.Digest == pinned.Digest
            ? ArtifactFact.Verified(pinned.Digest!.ToString())
            : new ArtifactFact(ArtifactState.ImageUnavailable, pinned.Digest!.ToString(), resolution.Problem ?? $"the registry answers {resolution.Digest}");
    }

    /// <summary>
    /// The value of every secret key <paramref name="template"/> refers to, as set in <paramref name="environment"/> (at
    /// the version the template pins, else the newest); the artifact not judged. For the checks, and for
    /// <c>slipway config</c>, which shows versions and whether each required name is satisfied — never values.
    /// </summary>
    public async Task<PreflightFacts> SecretFactsAsync(string environment, InstanceTemplate template, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(template);
        var refs = template.Env.Select(e => e.SecretKeyRef).OfType<SecretKeyRef>().Distinct().ToList();
        var found = new Dictionary<SecretKeyRef, SecretFact>();
        if (refs.Count > 0)
        {
            foreach (var (reference, value) in await secrets.ResolveAsync(environment, refs, ct))
            {
                found[PreflightFacts.Unversioned(reference)] = new SecretFact(value.Version, value.Value);
            }
        }

        return new PreflightFacts(found, ArtifactFact.NotChecked);
    }

    private PreflightResult Logged(PreflightResult result)
    {
        if (result.Refused)
        {
            Log.Refused(logger, result.App, result.Environment, result.Message!); // the message never holds a secret's value
        }

        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{App}/{Environment}: release refused by the preflight checks: {Message}")]
        public static partial void Refused(ILogger logger, string app, string environment, string message);
    }
}
