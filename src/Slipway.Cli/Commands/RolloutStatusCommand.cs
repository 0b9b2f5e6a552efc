using System.CommandLine;
using System.Globalization;
using Slipway.Cli.Watch;
using Slipway.Core.Rollouts;
using Slipway.Core.Spec;
using Slipway.Server.Api;

namespace Slipway.Cli.Commands;

/// <summary>
/// <c>rollout status APP [--timeout D] [--wait-through-pauses]</c>: waits until the rollout of the app's latest
/// change is Healthy (exit 0), Degraded (1), Paused until someone acts (3) or the timeout passes (4), printing a line per
/// change; a timed pause, which ends by itself, is waited through — what a
/// CI job runs right after <c>apply</c>.
/// </summary>
/// <remarks>
/// The status the server shows may predate the latest apply or command (the reconciler acts on it at its next pass):
/// it is taken as the answer only once its <c>observedGeneration</c> has reached the stored <c>generation</c>, and
/// Healthy counts only when the stable revision is the desired one, so an apply followed by this command never
/// reports the previous revision's health. The server has no watch stream: this polls about once a second.
/// </remarks>
internal static class RolloutStatusCommand
{
    public const int ExitDegraded = 1;
    public const int ExitPaused = 3;
    public const int ExitTimeout = 4;

    public static Command Create(GlobalOptions globals)
    {
        var app = CommandParts.AppArgument();
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "Give up after this long (90s, 5m, 1h30m; 0 waits without limit, the default): exit code 4",
            CustomParser = ParseTimeout,
        };
        var throughPauses = new Option<bool>("--wait-through-pauses")
        {
            Description = "Keep waiting while the rollout waits for a promotion or a resume instead of exiting with code 3 (timed pauses are always waited through)",
        };
        var command = new Command("status", "Wait for the rollout to finish: exit 0 Healthy, 1 Degraded, 3 paused until promoted or resumed, 4 timed out") { app, timeout, throughPauses };
        CliAction.Set(command, async (result, ct) =>
        {
            using var client = globals.Client(result);
            var name = result.GetValue(app)!;
            var env = result.GetValue(globals.Environment)!;
            var limit = result.GetValue(timeout) is { } t && t > TimeSpan.Zero ? t : (TimeSpan?)null;
            return await WaitAsync(client, CommandParts.AppPath(result, globals, app), name, env, limit, result.GetValue(throughPauses), TimeProvider.System, ct);
        });
        return globals.UsesApi(command);
    }

    private static async Task<int> WaitAsync(ApiClient client, string path, string app, string env, TimeSpan? timeout, bool throughPauses, TimeProvider time, CancellationToken ct)
    {
        var deadline = timeout is { } limit ? time.GetUtcNow() + limit : (DateTimeOffset?)null;
        string? printed = null;
        var pauseNoted = false;
        DateTimeOffset? timedPause = null;
        while (true)
        {
            var view = (await client.SendAsync(HttpMethod.Get, path, null, ct)).EnsureOk().Read<StatusView>();

            // A status from before the latest change says nothing about it: wait for the reconciler to act on it.
            if (view.ObservedGeneration == view.Generation)
            {
                var line = ProgressLine.Of(view);
                if (line != printed)
                {
                    Console.WriteLine(line);
                    printed = line;
                }

                switch (view.Phase)
                {
                    case nameof(RolloutPhase.Healthy) when view.StableRevision == view.DesiredRevision:
                        var ready = view.Revisions.FirstOrDefault(r => r.Number == view.StableRevision)?.Ready ?? 0;
                        Console.WriteLine(Text($"{app}: revision {view.StableRevision} rolled out: Healthy, {ready}/{view.Replicas} instances ready"));
                        return 0;
                    case nameof(RolloutPhase.Degraded):
                        await Console.Error.WriteLineAsync(Text($"error: {app}: the rollout of revision {view.DesiredRevision} is Degraded ({view.Reason}): {view.Message}"));
                        return ExitDegraded;
                    case nameof(RolloutPhase.Paused) when view.PauseEndsAt is { } ends && view.Reason != Reasons.PausedByUser:
                        // A timed pause is part of the rollout, not a halt: it ends by itself, so CI waits through it.
                        if (timedPause != view.PauseEndsAt)
                        {
                            Console.WriteLine(Text($"{app}: paused; it goes on by itself in {StatusScreen.Countdown(ends - time.GetUtcNow())} (at {ends.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ})"));
                            timedPause = ends;
                        }

                        break;
                    case nameof(RolloutPhase.Paused) when view.Reason == Reasons.WaitingForConfirmation:
                        // A confirm gate asks its hook until it says yes: like a timed pause, it goes on by itself.
                        if (!pauseNoted)
                        {
                            Console.WriteLine(Text($"{app}: {view.Message}; waiting for it"));
                            pauseNoted = true;
                        }

                        break;
                    case nameof(RolloutPhase.Paused) when !throughPauses:
                        Console.WriteLine(PausedMessage(view, app, env, time.GetUtcNow()));
                        return ExitPaused;
                    case nameof(RolloutPhase.Paused) when !pauseNoted:
                        Console.WriteLine(Text($"{app}: paused; waiting through it (--wait-through-pauses)"));
                        pauseNoted = true;
                        break;
                }
            }

            var now = time.GetUtcNow();
            if (deadline is { } end && now >= end)
            {
                await Console.Error.WriteLineAsync(Text(
                    $"error: {app}: timed out after {DurationParser.Format(timeout!.Value)} waiting for the rollout of revision {view.DesiredRevision}; it is {Describe(view)}"));
                return ExitTimeout;
            }

            var wait = deadline is { } until && until - now < WatchLoop.Interval ? until - now : WatchLoop.Interval;
            await Task.Delay(wait, time, ct);
        }
    }

    /// <summary>Where the rollout waits and how it goes on: a promotion, the end of a timed pause, or a resume.</summary>
    private static string PausedMessage(StatusView s, string app, string env, DateTimeOffset now)
    {
        var at = ProgressLine.Step(s) is not null && s.CurrentStepIndex < s.Steps.Count
            ? Text($" at step {s.CurrentStepIndex + 1} of {s.TotalSteps}: {s.Steps[s.CurrentStepIndex].Text}")
            : "";
        var hint = (string verb) => $"`slipway rollout {verb} {app}{(env == "dev" ? "" : $" -e {env}")}`";
        var message = s.Reason switch
        {
            Reasons.PausedByUser => $"{app}: paused by a user{at}; go on with {hint("resume")}",
            Reasons.BlueGreenPause => $"{app}: revision {s.CanaryRevision} is ready on the preview route; switch traffic to it with {hint("promote")}",
            _ => $"{app}: paused{at}; go on with {hint("promote")}",
        };
        return message + "; `rollout status --wait-through-pauses` waits through pauses";
    }

    private static string Describe(StatusView s) =>
        $"{s.Phase}{(s.Reason is null ? "" : $" ({s.Reason})")}{(ProgressLine.Step(s) is { } step ? $" at {step}" : "")}{(s.Message is null ? "" : $": {s.Message}")}"
        + (s.ObservedGeneration == s.Generation ? "" : " (the server has not acted on the latest change yet)");

    private static TimeSpan? ParseTimeout(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (DurationParser.TryParse(text, out var value) && value >= TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"--timeout '{text}': expected a duration such as 90s, 5m or 1h30m (0 for no limit)");
        return null;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
