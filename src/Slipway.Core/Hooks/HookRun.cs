using System.Globalization;

namespace Slipway.Core.Hooks;

/// <summary>
/// One hook run, as persisted: which run, the hook as it was when the run was made (a spec changed later does not
/// change a run in flight, and a restarted server resumes it as it was), the moment it describes, and how far it got —
/// attempts, phase, and how the last attempt ended. Stored before it starts; the server saves it again when an attempt
/// starts (with the job's process, so that a server that died meanwhile can kill what it left running) and when one
/// ends.
/// </summary>
/// <param name="Moment">What the run is called for: the rollout's phase and step, the stable revision, the event.</param>
public sealed record HookRun(HookRunKey Key, HookSpec Hook, HookMoment Moment, DateTimeOffset CreatedAt)
{
    /// <summary>How often a confirm gate asks its hook again until it says yes (Flagger's interval).</summary>
    public static readonly TimeSpan ConfirmInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long a failed attempt waits before its retry.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>How many lines of a failed run's output its message and an abort's message show.</summary>
    public const int MessageLines = 5;

    public HookPhase Phase { get; init; } = HookPhase.Pending;

    /// <summary>Attempts started so far; the one in progress included.</summary>
    public int Attempts { get; init; }

    /// <summary>When its first attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The last attempt's exit code (a job); 128 + N when signal N killed it.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The last attempt's response status (an http hook).</summary>
    public int? HttpStatus { get; init; }

    /// <summary>The last attempt's output: a job's last 64 KiB, an http answer's first 4 KiB; secret values redacted.</summary>
    public string? Output { get; init; }

    /// <summary>How the last attempt ended, in a few words (<c>exit code 1</c>, <c>timed out after 30s</c>).</summary>
    public string? Message { get; init; }

    /// <summary>
    /// When the attempt in progress started; null between attempts. A server that finds it set when it starts was
    /// stopped during that attempt: it kills what the attempt left running and makes it again (the same attempt).
    /// </summary>
    public DateTimeOffset? AttemptStartedAt { get; init; }

    /// <summary>The process of the job attempt in progress (also its process group), and its start time.</summary>
    public int? Pid { get; init; }

    public ulong? ProcessStartTime { get; init; }

    public bool IsFinished => HookNames.IsFinished(Phase);

    /// <summary>Whether its hook changes what a rollback cannot undo (see <see cref="HookSpec.Irreversible"/>).</summary>
    public bool Irreversible => Hook.Irreversible is not null;

    /// <summary>What the planner reads of it: a failure's message ends with the last lines of the output.</summary>
    public HookRunState State => new(Key, Phase, Attempts, Phase == HookPhase.Failed ? Describe() : Message);

    /// <summary>How many attempts the run may make in all; a confirm gate asks until it is answered.</summary>
    public int? MaxAttempts => HookNames.IsConfirmation(Key.Type) ? null : Hook.Retries + 1;

    /// <summary>The message and, when there is output, its last <see cref="MessageLines"/> lines: "exit code 1; last output: …".</summary>
    public string Describe()
    {
        var lines = LastLines(Output, MessageLines);
        var message = Message ?? Phase.ToString().ToLowerInvariant();
        return lines.Length == 0 ? message : $"{message}; last output: {lines}";
    }

    /// <summary>The last <paramref name="count"/> non-empty lines of <paramref name="output"/>, joined by " | ".</summary>
    public static string LastLines(string? output, int count)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return "";
        }

        var lines = output.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Count - count)));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Key}: {Phase} after {Attempts} attempts");
}

/// <summary>
/// The moment a hook is called for, as its JSON body (and a job's <c>SLIPWAY_EVENT</c>) describes it: the rollout's
/// phase and canary step when the run was made, the revision serving then, and for an <c>event</c> hook the event.
/// </summary>
public sealed record HookMoment(string Phase, int Step, int? StableRevision)
{
    public HookEvent? Event { get; init; }
}

/// <summary>A rollout event as the store saved it (<c>slipway history</c> shows the same), delivered to <c>event</c> hooks.</summary>
public sealed record HookEvent(long Id, DateTimeOffset Time, int? Revision, string Reason, string Message);
