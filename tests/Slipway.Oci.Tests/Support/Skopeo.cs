using System.Text.Json;

namespace Slipway.Oci.Tests.Support;

/// <summary>skopeo (containers/image's client), as an independent reader of what a registry holds.</summary>
internal static class Skopeo
{
    /// <summary>The digest skopeo reads for <paramref name="reference"/> (<c>127.0.0.1:PORT/name:tag</c>) from a plain-http registry.</summary>
    public static async Task<string> DigestAsync(string reference)
    {
        var output = await Tool.RunAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{reference}");
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("Digest").GetString()!;
    }

    /// <summary>The manifest bytes skopeo reads for <paramref name="reference"/>, as the registry has them (an index as an index).</summary>
    public static async Task<string> RawManifestAsync(string reference) =>
        await Tool.RunAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{reference}");
}
