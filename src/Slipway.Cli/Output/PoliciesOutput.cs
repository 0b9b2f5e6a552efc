using System.Text.Json.Nodes;
using Slipway.Core.Images;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>policies</c> in every output format. Text: NAME, ENVIRONMENTS, SIGNATURES (the key, or "one of" the keys, an
/// image must be signed by), VULNERABILITIES (the severity an image is refused at), AGE (since what the policy requires
/// last changed). Wide adds UPDATED. Name: <c>imagepolicy/NAME</c>.
/// </summary>
internal static class PoliciesOutput
{
    /// <param name="environment">The environment asked for (<c>-e</c>): only the policies that name it are listed.</param>
    public static ListOutput<ImagePolicyView> Create(JsonNode document, IReadOnlyList<ImagePolicyView> policies, string? environment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policies);
        Column<ImagePolicyView>[] columns =
        [
            new("NAME", p => p.Name),
            new("ENVIRONMENTS", p => string.Join(",", p.Environments)),
            new("SIGNATURES", p => p.Signatures is { } s ? Signers(s.Keys) : "-"),
            new("VULNERABILITIES", p => p.Vulnerabilities is { } v ? $"refuse at {v.RefuseAt.Word()}" : "-"),
            new("AGE", p => Age.Format(p.UpdatedAt, now)),
            new("UPDATED", p => Timestamp.Format(p.UpdatedAt), WideOnly: true),
        ];
        return new ListOutput<ImagePolicyView>(
            document,
            [.. policies.OrderBy(p => p.Name, StringComparer.Ordinal)],
            columns,
            p => $"imagepolicy/{p.Name}",
            environment is null ? "No image policies found." : $"No image policies name {environment}: every image may run there.");
    }

    /// <summary>"release", or "one of release,release-2027": any one signature is enough.</summary>
    private static string Signers(IReadOnlyList<string> keys) => keys.Count == 1 ? keys[0] : "one of " + string.Join(",", keys);
}
