namespace Slipway.Oci.Sbom;

/// <summary>The names CycloneDX 1.5 JSON uses that Slipway's writer and reader share.</summary>
internal static class CycloneDx
{
    public const string MediaType = "application/vnd.cyclonedx+json";
    public const string SchemaUri = "http://cyclonedx.org/schema/bom-1.5.schema.json";
    public const string SpecVersion = "1.5";

    /// <summary>The property that says where a component was found; repeated for each path.</summary>
    public const string LocationProperty = "slipway:location";

    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
}
