using Slipway.Core.Images;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// An image policy as <c>GET /api/v1/image-policies</c> shows it: the document's fields, and when what it requires last
/// changed. <see cref="Signatures"/> and <see cref="Vulnerabilities"/> are null when the policy does not set them.
/// </summary>
public sealed record ImagePolicyView(
    string Name, IReadOnlyList<string> Environments, SignaturePolicy? Signatures, VulnerabilityPolicy? Vulnerabilities, DateTimeOffset UpdatedAt)
{
    public static ImagePolicyView Of(ImagePolicyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var policy = record.Policy;
        return new ImagePolicyView(policy.Name, policy.Environments, policy.Signatures, policy.Vulnerabilities, record.UpdatedAt);
    }
}
