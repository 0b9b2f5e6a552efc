namespace Slipway.Core.Preflight;

/// <summary>Which preflight check an item comes from; scripts read it from the API rather than the message's words.</summary>
public enum PreflightCheck
{
    /// <summary>A name of <c>requiredEnv</c> that no entry of <c>env</c> sets.</summary>
    RequiredEnvMissing,

    /// <summary>A name of <c>requiredEnv</c> whose value is a placeholder (<c>CHANGEME</c>, <c>${…}</c>, empty).</summary>
    RequiredEnvPlaceholder,

    /// <summary>An env entry from a secret key that is not set in the environment.</summary>
    SecretMissing,

    /// <summary>Replicas without a readiness probe (<c>preflight.readinessProbe</c> says how loud).</summary>
    ReadinessProbe,

    /// <summary>The revision's artifact is not in the server's store, or no longer matches its digest.</summary>
    Artifact,
}
