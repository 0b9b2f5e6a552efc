using System.Globalization;
using Slipway.Core.Spec;

namespace Slipway.Core.Preflight;

/// <summary>
/// The checks made before any instance of a new revision starts — by an apply that starts a rollout, by a dry run
/// (<c>slipway validate</c>), by <c>rollout undo</c> and <c>retry</c>, and when a secret change makes a revision.
/// Pure: the server gathers what they need to know (<see cref="PreflightFacts"/>), this judges it.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>Every name of <c>requiredEnv</c> is set in <c>env</c>: by a value, or from a secret key that is set in the
/// environment.</item>
/// <item>A required name's value is not a placeholder (<see cref="PlaceholderValues"/>). A plain value is quoted in the
/// message when it is a placeholder word; a secret's value never is ("the value of secret db/url is a
/// placeholder").</item>
/// <item>Every other env entry from a secret refers to a key that is set: an instance started without it would fail
/// as surely as one without a required name (Kubernetes, too, refuses to start such a pod).</item>
/// <item>An app with replicas has a readiness probe: without one, each instance gets traffic as soon as its process
/// starts. A warning by default; <c>preflight.readinessProbe: error</c> refuses it, <c>off</c> says nothing.</item>
/// <item>The artifact is in the store and matches its digest (when the server checked it).</item>
/// </list>
/// </remarks>
public static class PreflightChecks
{
    public static PreflightResult Run(string app, string environment, ApplicationSpec spec, PreflightFacts facts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(facts);
        var items = new List<PreflightItem>();
        var env = spec.Template.Env;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.RequiredEnv.Count; i++)
        {
            var name = spec.RequiredEnv[i];
            if (RequiredItem(name, i, env, environment, facts) is { } item)
            {
                items.Add(item);
                reported.Add(name);
            }
        }

        for (var j = 0; j < env.Count; j++)
        {
            if (env[j] is { SecretKeyRef: { } reference } variable && !reported.Contains(variable.Name) && facts.SecretOf(reference) is null)
            {
                items.Add(new PreflightItem(
                    PreflightCheck.SecretMissing,
                    PreflightSeverity.Error,
                    variable.Name,
                    SecretPath(j),
                    $"{variable.Name} is set from secret {Describe(reference)}, which {NotSet(reference, environment)} ({SetSecretHint(reference, environment)})"));
            }
        }

        if (ReadinessItem(spec) is { } readiness)
        {
            items.Add(readiness);
        }

        if (ArtifactItem(facts.Artifact) is { } artifact)
        {
            items.Add(artifact);
        }

        return new PreflightResult(app, environment, items);
    }

    /// <summary>What is wrong with required name <paramref name="name"/> (item <paramref name="index"/> of requiredEnv); null when nothing is.</summary>
    private static PreflightItem? RequiredItem(string name, int index, IReadOnlyList<EnvVar> env, string environment, PreflightFacts facts)
    {
        var j = LastIndexOf(env, name);
        if (j < 0)
        {
            var (secret, key) = SuggestedSecret(name);
            return new PreflightItem(
                PreflightCheck.RequiredEnvMissing,
                PreflightSeverity.Error,
                name,
                $"spec.requiredEnv[{index.ToString(CultureInfo.InvariantCulture)}]",
                $"{name} is required but not set (set it in spec.env, or from a secret: slipway secret set {secret} {key}=… -e {environment} "
                + $"and env: [{{name: {name}, valueFrom: {{secretKeyRef: {{name: {secret}, key: {key}}}}}}}])");
        }

        var variable = env[j];
        if (variable.SecretKeyRef is { } reference)
        {
            if (facts.SecretOf(reference) is not { } found)
            {
                return new PreflightItem(
                    PreflightCheck.RequiredEnvMissing,
                    PreflightSeverity.Error,
                    name,
                    SecretPath(j),
                    $"{name} is required but secret {Describe(reference)} {NotSet(reference, environment)} ({SetSecretHint(reference, environment)})");
            }

            return PlaceholderValues.Find(found.Value) is { } secretPlaceholder
                ? new PreflightItem(
                    PreflightCheck.RequiredEnvPlaceholder,
                    PreflightSeverity.Error,
                    name,
                    SecretPath(j),
                    secretPlaceholder.Kind == PlaceholderKind.Empty
                        ? $"{name} is required but the value of secret {Describe(reference)} is empty ({SetSecretHint(reference, environment)})"
                        : $"{name} is required but the value of secret {Describe(reference)} is a placeholder ({SetSecretHint(reference, environment)})")
                : null;
        }

        if (PlaceholderValues.Find(variable.Value) is not { } placeholder)
        {
            return null;
        }

        var what = placeholder.Kind switch
        {
            PlaceholderKind.Empty => "its value is empty",
            PlaceholderKind.Unexpanded => $"its value holds '{placeholder.Text}', a placeholder left unexpanded (Slipway expands no ${{…}}, $(…) or {{{{…}}}} in env)",
            _ => $"its value '{placeholder.Text}' is a placeholder",
        };
        return new PreflightItem(PreflightCheck.RequiredEnvPlaceholder, PreflightSeverity.Error, name, $"spec.env[{j.ToString(CultureInfo.InvariantCulture)}].value", $"{name} is required but {what}");
    }

    private static PreflightItem? ReadinessItem(ApplicationSpec spec)
    {
        if (spec.Replicas < 1 || spec.Template.Probes.Readiness is not null || spec.Preflight.ReadinessProbe == PreflightLevel.Off)
        {
            return null;
        }

        var replicas = spec.Replicas == 1 ? "1 replica" : $"{spec.Replicas.ToString(CultureInfo.InvariantCulture)} replicas";
        var severity = spec.Preflight.ReadinessProbe == PreflightLevel.Error ? PreflightSeverity.Error : PreflightSeverity.Warning;
        var silence = severity == PreflightSeverity.Error ? "spec.preflight.readinessProbe: warn or off" : "spec.preflight.readinessProbe: off";
        return new PreflightItem(
            PreflightCheck.ReadinessProbe,
            severity,
            null,
            "spec.probes.readiness",
            $"{replicas} and no readiness probe: each instance gets traffic as soon as its process starts, ready or not (add spec.probes.readiness, or set {silence})");
    }

    private static PreflightItem? ArtifactItem(ArtifactFact artifact)
    {
        var digest = artifact.Digest ?? "(no digest)";
        var message = artifact.State switch
        {
            ArtifactState.Missing => $"its artifact {digest} is no longer in the server's store (removed by housekeeping or by hand): apply the spec again to copy it",
            ArtifactState.DigestMismatch => $"the stored copy of its artifact {digest} no longer has that content (it hashes to {artifact.Detail}): it was changed on disk; apply the spec again",
            ArtifactState.Unreadable => $"the stored copy of its artifact {digest} could not be checked: {artifact.Detail}",
            ArtifactState.ImageUnavailable => $"its image {digest} cannot be found in its registry: {artifact.Detail}",
            _ => null,
        };
        var field = artifact.State == ArtifactState.ImageUnavailable ? "spec.artifact.image" : "spec.artifact.path";
        return message is null ? null : new PreflightItem(PreflightCheck.Artifact, PreflightSeverity.Error, null, field, message);
    }

    private static int LastIndexOf(IReadOnlyList<EnvVar> env, string name)
    {
        for (var j = env.Count - 1; j >= 0; j--)
        {
            if (env[j].Name == name)
            {
                return j;
            }
        }

        return -1;
    }

    private static string SecretPath(int j) => $"spec.env[{j.ToString(CultureInfo.InvariantCulture)}].valueFrom.secretKeyRef";

    private static string Describe(SecretKeyRef reference) => $"{reference.Name}/{reference.Key}";

    private static string NotSet(SecretKeyRef reference, string environment) =>
        reference.Version is { } version
            ? $"has no version {version.ToString(CultureInfo.InvariantCulture)} in {environment}"
            : $"is not set in {environment}";

    private static string SetSecretHint(SecretKeyRef reference, string environment) =>
        $"set it: slipway secret set {reference.Name} {reference.Key}=… -e {environment}";

    /// <summary>A secret name and key to suggest for <paramref name="name"/>: <c>DATABASE_URL</c> → <c>database url</c>, <c>TOKEN</c> → <c>token value</c>.</summary>
    private static (string Secret, string Key) SuggestedSecret(string name)
    {
        var lower = name.ToLowerInvariant().Trim('_');
        var split = lower.IndexOf('_', StringComparison.Ordinal);
        return split > 0
            ? (lower[..split].Replace('_', '-'), lower[(split + 1)..].Trim('_').Replace('_', '-'))
            : (lower.Length == 0 ? "app" : lower, "value");
    }
}
