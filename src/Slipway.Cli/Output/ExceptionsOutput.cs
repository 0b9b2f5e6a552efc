using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Server.Supply;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>image exception list</c>: ID, ADVISORY, PACKAGE, ENV (<c>*</c>: every environment), EXPIRES (marked
/// <c>(expired)</c> once past: it lets nothing through any more), REASON, BY; wide adds CREATED. Names:
/// <c>exception/ID</c>.
/// </summary>
internal static class ExceptionsOutput
{
    public static ListOutput<VulnerabilityExceptionView> Create(JsonNode document, IReadOnlyList<VulnerabilityExceptionView> exceptions)
    {
        ArgumentNullException.ThrowIfNull(exceptions);
        Column<VulnerabilityExceptionView>[] columns =
        [
            new("ID", e => e.Id.ToString(CultureInfo.InvariantCulture)),
            new("ADVISORY", e => e.Advisory),
            new("PACKAGE", e => e.Package ?? "-"),
            new("ENV", e => e.Environment ?? "*"),
            new("EXPIRES", e => Timestamp.Format(e.ExpiresAt) + (e.Expired ? " (expired)" : "")),
            new("REASON", e => e.Reason),
            new("BY", e => e.CreatedBy),
            new("CREATED", e => Timestamp.Format(e.CreatedAt), WideOnly: true),
        ];
        return new ListOutput<VulnerabilityExceptionView>(document, exceptions, columns, e => $"exception/{e.Id}", "No vulnerability exceptions recorded.");
    }
}
