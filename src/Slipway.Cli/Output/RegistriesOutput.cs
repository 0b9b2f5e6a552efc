using System.Text.Json.Nodes;
using Slipway.Server.Images;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>registry list</c> in every output format: the registries the server has a login for, never a password (the API
/// has none to send). Text: REGISTRY, USERNAME, AGE (since it was stored). Wide adds UPDATED (the time) and BY (who).
/// Name: <c>registry/HOST</c>.
/// </summary>
internal static class RegistriesOutput
{
    public static ListOutput<RegistryLogin> Create(JsonNode document, IReadOnlyList<RegistryLogin> logins, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(logins);
        List<Column<RegistryLogin>> columns =
        [
            new("REGISTRY", l => l.Registry),
            new("USERNAME", l => l.Username),
            new("AGE", l => Age.Format(l.UpdatedAt, now)),
            new("UPDATED", l => Timestamp.Format(l.UpdatedAt), WideOnly: true),
            new("BY", l => l.UpdatedBy, WideOnly: true),
        ];
        return new ListOutput<RegistryLogin>(
            document,
            [.. logins.OrderBy(l => l.Registry, StringComparer.Ordinal)],
            columns,
            l => $"registry/{l.Registry}",
            "No registry logins: the server asks every registry anonymously (`slipway registry login HOST --username USER --password-stdin` stores one).");
    }
}
