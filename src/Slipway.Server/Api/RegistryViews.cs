using Slipway.Server.Images;

namespace Slipway.Server.Api;

/// <summary>
/// The JSON body of <c>PUT /api/v1/registries/{registry}</c>: the login the server uses for that registry, and who
/// stores it (recorded). An unknown field is refused.
/// </summary>
public sealed record RegistryLoginRequest(string? Username = null, string? Password = null, string? Actor = null)
{
    public override string ToString() => $"RegistryLoginRequest({Username}, ***, by {Actor})"; // never the password
}

/// <summary>The answer of <c>PUT /api/v1/registries/{registry}</c>: the login as listed, never its password.</summary>
public sealed record RegistryLoginAnswer(RegistryLogin Login, string Message);
