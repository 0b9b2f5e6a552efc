using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>keys list</c> in every output format; never a private key (the API has none to send). Text: NAME, KEY ID (its
/// first 12 hex digits, as messages show it), SIGNS (yes for a key the server generated; no for a public key imported to
/// verify), AGE. Wide adds the whole key id, CREATED (the time) and BY (who). Name: <c>key/NAME</c>.
/// </summary>
internal static class SigningKeysOutput
{
    public static ListOutput<SigningKeyView> Create(JsonNode document, IReadOnlyList<SigningKeyView> keys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        List<Column<SigningKeyView>> columns =
        [
            new("NAME", k => k.Name),
            new("KEY ID", k => k.KeyId[..Math.Min(12, k.KeyId.Length)]),
            new("SIGNS", k => k.CanSign ? "yes" : "no (verifies only)"),
            new("AGE", k => Age.Format(k.CreatedAt, now)),
            new("SHA256", k => k.KeyId, WideOnly: true),
            new("CREATED", k => Timestamp.Format(k.CreatedAt), WideOnly: true),
            new("BY", k => k.CreatedBy, WideOnly: true),
        ];
        return new ListOutput<SigningKeyView>(
            document,
            [.. keys.OrderBy(k => k.Name, StringComparer.Ordinal)],
            columns,
            k => $"key/{k.Name}",
            "No signing keys yet: make one with `slipway keys generate NAME`, or trust a public key with `slipway keys import NAME --public-key FILE`.");
    }
}
