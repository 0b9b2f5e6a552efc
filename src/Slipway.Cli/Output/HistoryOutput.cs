using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>history APP</c> in every output format. Text: a table of revisions, oldest first (REVISION, CREATED, ROLE —
/// <c>stable</c> for the one serving users, <c>rolling out</c> for the one replacing it —, ARTIFACT, CHANGE-CAUSE),
/// and, when some revision declared or made an irreversible change, IRREVERSIBLE — what undo cannot take back, and
/// since when —, then a table of events, oldest first (TIME, REVISION, REASON, MESSAGE). Wide shows artifact digests whole.
/// Name: <c>revision/N</c> per revision.
/// </summary>
internal sealed class HistoryOutput(JsonNode document, HistoryView history) : IPrintable
{
    private const int ShortDigest = 19; // "sha256:" and 12 hex digits, as image digests are usually shortened

    public JsonNode Document => document;

    public string? EmptyMessage => null; // an app has at least one revision

    public IEnumerable<string> Names() => history.Revisions.OrderBy(r => r.Number).Select(r => $"revision/{Number(r.Number)}");

    public string Text(bool wide)
    {
        // The boundary column only when some revision has one: most apps never declare anything irreversible.
        var boundary = history.Revisions.Any(r => r.Irreversible is not null || r.IrreversibleChanges.Count > 0);
        var revisions = TextTable.Render(
            boundary ? ["REVISION", "CREATED", "ROLE", "ARTIFACT", "IRREVERSIBLE", "CHANGE-CAUSE"] : ["REVISION", "CREATED", "ROLE", "ARTIFACT", "CHANGE-CAUSE"],
            history.Revisions.OrderBy(r => r.Number).Select(r => (IReadOnlyList<string>)
            [
                Number(r.Number),
                Timestamp.Format(r.CreatedAt),
                Role(r.Number),
                r.ArtifactDigest is not { } digest ? "-" : wide || digest.Length <= ShortDigest ? digest : digest[..ShortDigest],
                .. boundary ? [Irreversible(r)] : Array.Empty<string>(),
                r.ChangeCause,
            ]));
        if (history.Events.Count == 0)
        {
            return revisions;
        }

        var events = TextTable.Render(
            ["TIME", "REVISION", "REASON", "MESSAGE"],
            history.Events.OrderBy(e => e.Id).Select(e => (IReadOnlyList<string>)
            [
                Timestamp.Format(e.Time),
                e.Revision is { } n ? Number(n) : "-",
                e.Reason,
                OneLine(e.Message),
            ]));
        return revisions + "\n" + events;
    }

    /// <summary>The boundary: what the revision changed that undo cannot take back, and whether that has happened.</summary>
    private static string Irreversible(RevisionHistory r)
    {
        var made = r.IrreversibleChanges.Select(c => c.Hook is null ? $"{c.Reason} (since {Timestamp.Format(c.At)})" : $"hook {c.Hook}: {c.Reason} (since {Timestamp.Format(c.At)})").ToList();
        return made.Count > 0 ? string.Join("; ", made) : r.Irreversible is { } declared ? $"{declared} (not run yet)" : "-";
    }

    private string Role(int revision) =>
        revision == history.CanaryRevision ? "rolling out" : revision == history.StableRevision ? "stable" : "-";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
