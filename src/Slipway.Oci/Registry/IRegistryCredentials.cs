namespace Slipway.Oci.Registry;

/// <summary>
/// Gives the client the login for a registry when the registry asks for one (a 401). Asked again whenever a registry
/// challenges, so that a changed secret is used without restarting; the server implements it over Slipway's secrets.
/// Nothing is read from <c>~/.docker/config.json</c>: which login a registry gets is the caller's decision.
/// </summary>
public interface IRegistryCredentials
{
    /// <summary>The login for <paramref name="registry"/> (host with its port, as in <see cref="ImageReference.Registry"/>), or null to go anonymous.</summary>
    Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct);
}

/// <summary>A username and password (or token) for a registry. <see cref="ToString"/> never shows the password.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    public override string ToString() => $"RegistryCredential({Username}, ***)";
}

/// <summary>No logins: every registry is asked anonymously.</summary>
public sealed class AnonymousRegistryCredentials : IRegistryCredentials
{
    public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct) => Task.FromResult<RegistryCredential?>(null);
}
