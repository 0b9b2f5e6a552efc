using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>secret list</c> in every output format; never a value (the API sends none). Text: NAME, KEYS (each with the version
/// its value was last set at, <c>url@1,password@3</c>), VERSION, AGE (since the last change); ENV first with <c>-A</c>.
/// Wide adds UPDATED (the time) and BY (who). Name: <c>secret/NAME</c>.
/// </summary>
internal static class SecretsOutput
{
    /// <param name="environment">The environment listed; null when every environment is (<c>-A</c>).</param>
    public static ListOutput<SecretView> Create(JsonNode document, IReadOnlyList<SecretView> secrets, string? environment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var columns = new List<Column<SecretView>>();
        if (environment is null)
        {
            columns.Add(new("ENV", s => s.Environment));
        }

        columns.AddRange(
        [
            new("NAME", s => s.Name),
            new("KEYS", s => s.Keys.Count == 0 ? "-" : string.Join(",", s.Keys.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Name}@{k.Version}")))),
            new("VERSION", s => s.Version.ToString(CultureInfo.InvariantCulture)),
            new("AGE", s => Age.Format(s.UpdatedAt, now)),
            new("UPDATED", s => Timestamp.Format(s.UpdatedAt), WideOnly: true),
            new("BY", s => s.UpdatedBy, WideOnly: true),
        ]);
        var sorted = secrets.OrderBy(s => s.Environment, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        return new ListOutput<SecretView>(
            document,
            sorted,
            columns,
            s => $"secret/{s.Name}",
            environment is null ? "No secrets found." : $"No secrets found in {environment}.");
    }
}
