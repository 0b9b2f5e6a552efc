using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>hooks APP</c> in every output format. Text: a table of the runs, newest first (RUN, HOOK, TYPE — with the event
/// an event hook delivered, and <c>irreversible</c> —, REVISION, PHASE, ATTEMPTS, WHEN it started, RESULT: how its last
/// attempt ended), then the end of each run's output (<c>--output-lines</c>, 5 by default). Wide adds what each hook
/// calls and when it finished, and shows outputs whole. Name: <c>hookrun/ID</c> per run.
/// </summary>
internal sealed class HooksOutput(JsonNode document, HooksView hooks) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => hooks.Runs.Count == 0
        ? $"no hook runs for {hooks.App} in {hooks.Environment}: it has no hooks, or none has run yet"
        : null;

    public IEnumerable<string> Names() => hooks.Runs.Select(r => $"hookrun/{Number(r.Id)}");

    public string Text(bool wide)
    {
        string[] headers = wide
            ? ["RUN", "HOOK", "TYPE", "REVISION", "PHASE", "ATTEMPTS", "STARTED", "FINISHED", "ACTION", "RESULT"]
            : ["RUN", "HOOK", "TYPE", "REVISION", "PHASE", "ATTEMPTS", "STARTED", "RESULT"];
        var table = TextTable.Render(headers, hooks.Runs.Select(r =>
        {
            var attempts = r.MaxAttempts is { } max ? $"{Number(r.Attempts)}/{Number(max)}" : Number(r.Attempts);
            var started = r.StartedAt is { } s ? Timestamp.Format(s) : "-";
            return (IReadOnlyList<string>)(wide
                ? [Number(r.Id), r.Hook, Type(r), Number(r.Revision), r.Phase, attempts, started, r.FinishedAt is { } f ? Timestamp.Format(f) : "-", r.Action, OneLine(r.Message)]
                : [Number(r.Id), r.Hook, Type(r), Number(r.Revision), r.Phase, attempts, started, OneLine(r.Message)]);
        }));

        var text = new StringBuilder(table);
        foreach (var run in hooks.Runs.Where(r => r.Output is { Length: > 0 }))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"run {Number(run.Id)} ({run.Hook}), output of attempt {Number(run.Attempts)}:");
            foreach (var line in run.Output!.TrimEnd().Split('\n'))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {line.TrimEnd('\r')}");
            }
        }

        var irreversible = hooks.Runs.Where(r => r.IrreversibleReason is not null).DistinctBy(r => r.Hook).ToList();
        if (irreversible.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("irreversible hooks (a rollback cannot undo what they did):");
            foreach (var run in irreversible)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {run.Hook}: {run.IrreversibleReason}");
            }
        }

        return text.ToString();
    }

    private static string Type(HookRunView run)
    {
        var type = run.Event is { } e ? $"event #{Number(e.Id)} {e.Reason}" : run.Type;
        return run.Irreversible ? $"{type} (irreversible)" : type;
    }

    private static string OneLine(string? text) => text is null ? "-" : text.ReplaceLineEndings(" ");

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
