namespace Slipway.Server.Hooks;

/// <summary>How one attempt of a hook ended: success, what it answered (an exit code or an HTTP status), its output (secret values redacted) and a few words for people.</summary>
internal sealed record HookOutcome(bool Succeeded, int? ExitCode, int? HttpStatus, string? Output, string Message)
{
    public static HookOutcome Failed(string message, string? output = null) => new(false, null, null, output, message);
}
