using Slipway.Core.Hooks;
using Slipway.Core.Rollouts;
using Slipway.Server.Analysis.Providers;
using Slipway.Store;

namespace Slipway.Server.Api;

/// <summary>
/// <c>GET …/hooks</c> (<c>slipway hooks APP -o json</c>, see docs/api.md): the app×env's hook runs, newest first.
/// Fields are only added, never renamed or removed, within v1alpha1.
/// </summary>
public sealed record HooksView(string App, string Environment, IReadOnlyList<HookRunView> Runs);

/// <summary>
/// One hook run: which hook, at which moment of which rollout, how far it got and how its last attempt ended. Its
/// output has every known secret value redacted; a job's command line and an http hook's headers are never shown
/// (they may carry credentials), only the command or the method and URL without query and user info.
/// </summary>
/// <param name="Type">As the spec writes it: <c>preRollout</c>, <c>confirmRollout</c>, <c>confirmPromotion</c>, <c>postPromotion</c>, <c>onAbort</c>, <c>event</c>.</param>
/// <param name="Action">What it calls: <c>job dotnet</c>, <c>POST http://127.0.0.1:9000/hooks</c>.</param>
/// <param name="Phase">Pending, Running, Succeeded, Failed or Cancelled.</param>
/// <param name="MaxAttempts">Its retries plus one; null for a confirm gate, which asks until it is answered.</param>
/// <param name="Current">It belongs to the app's current (or last) rollout.</param>
/// <param name="Event">The event an event hook's run delivers; null for the other types.</param>
/// <param name="Message">How its last attempt ended: <c>exit code 1</c>, <c>POST http://… answered 503 Service Unavailable</c>.</param>
/// <param name="Output">Its last attempt's output (a job's last 64 KiB, an http answer's first 4 KiB); in the status, its last lines only.</param>
public sealed record HookRunView(
    long Id,
    string Hook,
    string Type,
    string Action,
    int Revision,
    DateTimeOffset RolloutStartedAt,
    bool Current,
    string Phase,
    int Attempts,
    int? MaxAttempts,
    bool Irreversible,
    string? IrreversibleReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int? ExitCode,
    int? HttpStatus,
    string? Message,
    string? Output,
    HookEvent? Event);

internal static class HookViews
{
    /// <summary>How many runs <c>GET …/hooks</c> shows by default.</summary>
    public const int DefaultRuns = 20;

    /// <summary>How many lines of a run's output the status shows.</summary>
    public const int StatusOutputLines = 5;

    /// <param name="lines">Only the last this many lines of each output; null for all of it.</param>
    /// <param name="redact">Takes out secret values known now (a secret set after the output was stored included).</param>
    public static HooksView Build(string app, string environment, RolloutStatus status, IReadOnlyList<HookRunRecord> runs, int? lines, Func<string, string> redact) =>
        new(app, environment, [.. runs.Select(r => RunView(r, status, lines, redact))]);

    /// <summary>
    /// What the status shows of hooks: the runs of the current rollout (its gates, and what ran after it ended) and the
    /// newest run of each event hook, newest first, each with the last lines of its output.
    /// </summary>
    public static IReadOnlyList<HookRunView> OfStatus(RolloutStatus status, IReadOnlyList<HookRunRecord> runs, Func<string, string> redact)
    {
        var shown = runs.Where(r => r.Run.Key.Type != HookType.Event && r.Run.Key.RolloutStartedAt == status.StartedAt)
            .Concat(runs.Where(r => r.Run.Key.Type == HookType.Event).GroupBy(r => r.Run.Key.Hook).Select(g => g.MaxBy(r => r.Id)!))
            .OrderByDescending(r => r.Id);
        return [.. shown.Select(r => RunView(r, status, StatusOutputLines, redact))];
    }

    public static HookRunView RunView(HookRunRecord record, RolloutStatus status, int? lines, Func<string, string> redact)
    {
        var run = record.Run;
        return new HookRunView(
            record.Id,
            run.Key.Hook,
            HookNames.Of(run.Key.Type),
            Action(run.Hook.Action),
            run.Key.Revision,
            run.Key.RolloutStartedAt,
            run.Key.RolloutStartedAt == status.StartedAt,
            run.Phase.ToString(),
            run.Attempts,
            run.MaxAttempts,
            run.Irreversible,
            run.Hook.Irreversible?.Reason,
            run.CreatedAt,
            run.StartedAt,
            run.FinishedAt,
            run.ExitCode,
            run.HttpStatus,
            run.Message is { } message ? redact(message) : null,
            run.Output is { } output ? redact(lines is int n ? Tail(output, n) : output) : null,
            run.Moment.Event);
    }

    /// <summary>The last <paramref name="lines"/> lines of <paramref name="output"/>, as they were written.</summary>
    public static string Tail(string output, int lines)
    {
        if (lines <= 0)
        {
            return "";
        }

        var all = output.TrimEnd('\n').Split('\n');
        return all.Length <= lines ? output : string.Join('\n', all[^lines..]) + "\n";
    }

    private static string Action(HookAction action) => action switch
    {
        JobHookAction job => $"job {job.Command}",
        HttpHookAction http => $"{http.Method.ToUpperInvariant()} {(Uri.TryCreate(http.Url, UriKind.Absolute, out var url) ? UrlCredentials.Shown(url) : UrlCredentials.Shown(http.Url))}",
        _ => action.GetType().Name,
    };
}
