namespace Slipway.Oci.Registry;

/// <summary>
/// One entry of a registry's JSON error answer, <c>{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…","detail":…}]}</c>:
/// the codes are the distribution spec's (BLOB_UNKNOWN, DENIED, UNAUTHORIZED, NAME_UNKNOWN …).
/// </summary>
public sealed record RegistryError(string Code, string Message, string? Detail)
{
    public override string ToString() => $"{Code}: {Message}" + (string.IsNullOrEmpty(Detail) ? "" : $" ({Detail})");
}
