namespace Slipway.Oci.Signing;

/// <summary>
/// What an image must carry to be accepted: a signature by one of <see cref="TrustedKeys"/>. <see cref="RequiredBy"/>
/// names who asks (an environment such as <c>prod</c>) so that a refusal says whose rule it broke.
/// An image promoted by digest keeps the signatures made where it was built, which name that repository: list the
/// repositories it may come from in <see cref="AcceptedRepositories"/> (e.g. <c>localhost:5000/web</c>), or use
/// <see cref="IdentityCheck.DigestOnly"/> to check as cosign does.
/// </summary>
public sealed record SignatureRequirement(string RequiredBy, IReadOnlyList<TrustedKey> TrustedKeys)
{
    public IdentityCheck Identity { get; init; } = IdentityCheck.MatchRepository;

    /// <summary>Repositories (<c>registry/name</c>) besides the image's own that a signature may name.</summary>
    public IReadOnlyList<string> AcceptedRepositories { get; init; } = [];

    /// <summary>The trusted keys as a message lists them: <c>release-key, ci-key</c>.</summary>
    public string TrustedKeyNames => string.Join(", ", TrustedKeys.Select(k => k.Name));
}
