using System.Text;
using System.Text.Json;

namespace Slipway.Docker.Engine;

/// <summary>
/// A registry login the engine uses for one push or pull, sent as the X-Registry-Auth header. Slipway keeps these as
/// secrets and hands them over per call: the engine stores nothing. <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record RegistryCredentials(string Username, string Password, string? ServerAddress = null)
{
    /// <summary>The header's value: base64url of the JSON AuthConfig the engine reads.</summary>
    internal static string Header(RegistryCredentials? credentials)
    {
        // The engine wants the header on every push, even for a registry without auth: "{}" says "no credentials".
        var json = credentials is null
            ? "{}"
            : JsonSerializer.Serialize(new { username = credentials.Username, password = credentials.Password, serveraddress = credentials.ServerAddress ?? "" });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_');
    }

    public override string ToString() => $"RegistryCredentials {{ Username = {Username}, Password = ***, ServerAddress = {ServerAddress} }}";
}
