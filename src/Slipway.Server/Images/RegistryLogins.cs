using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Slipway.Oci.Registry;
using Slipway.Server.Secrets;

namespace Slipway.Server.Images;

/// <summary>
/// The logins the server uses for registries (<c>slipway registry login HOST</c>), kept as secrets in the vault's
/// reserved scope (<see cref="SecretVault.ReservedScope"/>), one secret per registry: encrypted at rest, re-encrypted by
/// <c>slipway secret rotate-key</c>, the password redacted from every log and answer like any secret value. The
/// registry client asks here whenever a registry challenges (<see cref="IRegistryCredentials"/>), so a login changed
/// while the server runs is used from the next request on.
/// </summary>
/// <remarks>
/// Each login is two values: <c>password</c>, and <c>login</c>, a small JSON document naming the registry and the
/// username. They are kept apart because the vault redacts every value wherever it appears: the password must be, but a
/// registry's host or a short username taken out of every log line would hide what a message is about. The JSON
/// document as a whole never appears in a text, so its redaction costs nothing. The secret's name is a DNS label made
/// from the host (readable, with a hash so that two hosts never share one).
/// </remarks>
internal sealed partial class RegistryLogins(SecretVault vault, ILogger<RegistryLogins> logger) : IRegistryCredentials
{
    private const string LoginKey = "login";
    private const string PasswordKey = "password";

    public Task<RegistryCredential?> GetAsync(string registry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return Task.FromResult(Find(registry) is { } found ? new RegistryCredential(found.Login.Username, found.Password) : null);
    }

    /// <summary>Every login, by registry: never a password.</summary>
    public IReadOnlyList<RegistryLogin> List() =>
        [.. vault.ListReserved()
            .Select(secret => Read(secret.Name) is { } login ? login with { UpdatedAt = secret.UpdatedAt, UpdatedBy = secret.UpdatedBy } : null)
            .OfType<RegistryLogin>()
            .OrderBy(l => l.Registry, StringComparer.Ordinal)];

    /// <summary>Stores (or replaces) the login for <paramref name="registry"/>; a problem says what is wrong, never with the password.</summary>
    public async Task<(RegistryLogin? Login, string? Problem)> LoginAsync(string registry, string username, string password, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var problems = new List<string>();
        if (RegistrySettings.CheckRegistry(registry) is { } invalid)
        {
            problems.Add($"registry '{registry}': {invalid}");
        }

        if (string.IsNullOrEmpty(username) || username.Contains(':', StringComparison.Ordinal) || username.Any(char.IsControl))
        {
            problems.Add("the username must not be empty, and holds no ':' and no control character (HTTP Basic authentication cannot carry them)");
        }

        if (string.IsNullOrEmpty(password))
        {
            problems.Add("the password is empty: give it on standard input (--password-stdin) or in a file (--password-file)");
        }
        else if (password.Any(char.IsControl))
        {
            problems.Add("the password holds a control character (a line break?): give it without one");
        }

        if (problems.Count > 0)
        {
            return (null, string.Join("; ", problems));
        }

        var host = registry.ToLowerInvariant();
        var login = JsonSerializer.Serialize(new StoredLogin(host, username));
        var (change, problem) = await vault.SetReservedAsync(
            SecretName(host), new Dictionary<string, string> { [LoginKey] = login, [PasswordKey] = password }, [], actor, ct);
        if (problem is not null)
        {
            return (null, problem.Message);
        }

        Log.LoggedIn(logger, host, username, actor);
        return (new RegistryLogin(host, username, change!.Secret.UpdatedAt, change.Secret.UpdatedBy), null);
    }

    /// <summary>Forgets the login for <paramref name="registry"/>; false when there was none.</summary>
    public async Task<bool> LogoutAsync(string registry, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var host = registry.ToLowerInvariant();
        if (Find(host) is null)
        {
            return false;
        }

        var deletion = await vault.DeleteReservedAsync(SecretName(host), actor, ct);
        Log.LoggedOut(logger, host, actor);
        return deletion.Outcome == Slipway.Store.SecretDeletionOutcome.Deleted;
    }

    /// <summary>
    /// The secret's name for a registry: its host with '.' and ':' as '-', cut to fit a DNS label, then 8 hex digits of
    /// the host's SHA-256 (so <c>a-b.c</c> and <c>a.b-c</c> differ).
    /// </summary>
    internal static string SecretName(string host)
    {
        var readable = new string([.. host.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(host.ToLowerInvariant())))[..8];
        return $"{(readable.Length > 45 ? readable[..45].TrimEnd('-') : readable)}-{hash}";
    }

    private (RegistryLogin Login, string Password)? Find(string registry)
    {
        var host = registry.ToLowerInvariant();
        var values = vault.ReadReserved(SecretName(host));
        return values is not null && Parse(values) is { } login && login.Registry == host && values.TryGetValue(PasswordKey, out var password)
            ? (login, password)
            : null;
    }

    private RegistryLogin? Read(string secretName) => vault.ReadReserved(secretName) is { } values ? Parse(values) : null;

    private static RegistryLogin? Parse(IReadOnlyDictionary<string, string> values)
    {
        try
        {
            return values.TryGetValue(LoginKey, out var json) && JsonSerializer.Deserialize<StoredLogin>(json) is { Registry: { } registry, Username: { } username }
                ? new RegistryLogin(registry, username, default, "")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record StoredLogin(string Registry, string Username);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Registry {Registry}: login of {Username} stored by {Actor}")]
        public static partial void LoggedIn(ILogger logger, string registry, string username, string actor);

        [LoggerMessage(2, LogLevel.Information, "Registry {Registry}: login removed by {Actor}")]
        public static partial void LoggedOut(ILogger logger, string registry, string actor);
    }
}
