namespace Slipway.Docker.Lint;

/// <summary>The image-policy rules a build is checked against.</summary>
public enum LintRule
{
    /// <summary>The image's user is root (none set, <c>root</c> or <c>0</c>): a process escaping the app owns the container.</summary>
    RunsAsRoot,

    /// <summary>A base image not pinned by digest, or on <c>:latest</c>: the same Dockerfile builds something else tomorrow.</summary>
    UnpinnedBase,

    /// <summary>An ENV or ARG whose name says secret (PASSWORD, TOKEN, API_KEY …): its value stays in the image for anyone who pulls it.</summary>
    SecretName,

    /// <summary>The image is larger than the size budget: every pull and every cold start pays for it.</summary>
    ImageSize,
}
