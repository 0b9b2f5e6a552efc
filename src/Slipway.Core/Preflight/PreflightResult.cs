using Slipway.Core.Spec;

namespace Slipway.Core.Preflight;

/// <summary>
/// Every item the preflight checks found for one release of an app×env, and what they add up to: refused when any is
/// an error, with one message that names every one of them at once.
/// </summary>
public sealed record PreflightResult(string App, string Environment, IReadOnlyList<PreflightItem> Items)
{
    public IEnumerable<PreflightItem> Errors => Items.Where(i => i.Severity == PreflightSeverity.Error);

    public IEnumerable<PreflightItem> Warnings => Items.Where(i => i.Severity == PreflightSeverity.Warning);

    /// <summary>True when the release must not go ahead: nothing starts, nothing moves.</summary>
    public bool Refused => Errors.Any();

    /// <summary>
    /// Why the release is refused, every error in one sentence: "web/prod cannot be released: DATABASE_URL is required
    /// but not set (…); SMTP_HOST is required but its value 'CHANGEME' is a placeholder". Null when it is not refused.
    /// </summary>
    public string? Message => Refused ? $"{Subject} cannot be released: {string.Join("; ", Errors.Select(e => e.Message))}" : null;

    /// <summary>Each warning as said to the user: "warning: web/prod: 3 replicas and no readiness probe: …".</summary>
    public IEnumerable<string> WarningMessages => Warnings.Select(w => $"{Subject}: {w.Message}");

    /// <summary><c>web/prod</c>: how the messages name the app×env.</summary>
    public string Subject => $"{App}/{Environment}";

    /// <summary>
    /// The errors as spec errors at the lines to fix (<see cref="PreflightItem.Path"/>) of the document they came from;
    /// without a <paramref name="source"/> (a spec not read from a file), at its first line.
    /// </summary>
    public IEnumerable<SpecError> SpecErrors(SpecSource? source) =>
        Errors.Select(e => Place(source, e, $"{Subject} cannot be released: {e.Message}"));

    /// <summary>The warnings at the lines they are about, as <see cref="SpecErrors"/> places errors.</summary>
    public IEnumerable<SpecError> SpecWarnings(SpecSource? source) =>
        Warnings.Select(w => Place(source, w, $"{Subject}: {w.Message}"));

    private static SpecError Place(SpecSource? source, PreflightItem item, string message) =>
        source?.ErrorAt(item.Path ?? "spec", message) ?? new SpecError("(spec)", 1, 1, item.Path ?? "spec", message);
}
