using System.Text.Encodings.Web;
using System.Text.Json;

namespace Slipway.Oci.Registry;

/// <summary>
/// How manifests are read and written as JSON: the OCI field names, required fields enforced (a descriptor without a
/// digest is refused rather than read as null), nulls left out, no indentation, and media types written as they read
/// (<c>+json</c>, not the <c>\u002Bjson</c> of the default encoder, which is valid JSON but not what other tools write).
/// </summary>
internal static class ManifestJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        RespectNullableAnnotations = true,

        // Manifests are data for registries, never embedded in HTML: no need to escape '+', '<' or '&'.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectRequiredConstructorParameters = true,
    };
}
