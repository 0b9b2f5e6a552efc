namespace Slipway.Server.Images;

/// <summary>
/// A registry login as the server shows it (<c>slipway registry list</c>): the registry, the username, when it was
/// stored and by whom. The password is not part of it: it is only ever handed to the registry client.
/// </summary>
/// <param name="Registry">The host as image references name it, with its port: <c>registry.example.com</c>, <c>127.0.0.1:5000</c>.</param>
public sealed record RegistryLogin(string Registry, string Username, DateTimeOffset UpdatedAt, string UpdatedBy);
