using System.Text.Json;
using Slipway.Core.Hooks;
using Slipway.Core.Serialization;

namespace Slipway.Server.Hooks;

/// <summary>
/// The moment a hook is called for, as JSON: an http hook's body, and for a job of an <c>event</c> hook its standard
/// input and <c>SLIPWAY_EVENT</c>. Documented in docs/hooks.md; fields are only added, never renamed or removed.
/// </summary>
/// <param name="Type">The hook's type as the spec writes it: <c>preRollout</c>, <c>event</c> …</param>
/// <param name="Phase">The rollout's phase when the run was made (<c>Progressing</c>, <c>Paused</c> …).</param>
/// <param name="Step">The canary step the rollout was at (0-based); 0 for the other strategies.</param>
/// <param name="Attempt">Which attempt this is, from 1.</param>
/// <param name="Event">The event an <c>event</c> hook delivers; null for the other types.</param>
public sealed record HookPayload(
    string App,
    string Environment,
    int Revision,
    int? StableRevision,
    string Hook,
    string Type,
    string Phase,
    int Step,
    int Attempt,
    HookEvent? Event)
{
    public static HookPayload Of(string app, string environment, HookRun run, int attempt)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new HookPayload(app, environment, run.Key.Revision, run.Moment.StableRevision, run.Key.Hook, HookNames.Of(run.Key.Type),
            run.Moment.Phase, run.Moment.Step, attempt, run.Moment.Event);
    }

    /// <summary>As the API writes documents: every field present, timestamps in RFC 3339 UTC.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SlipwayJson.Api);
}
