namespace Slipway.Core.Preflight;

/// <summary>Whether a preflight item refuses the release or is only said.</summary>
public enum PreflightSeverity
{
    /// <summary>Refuses the release: nothing starts, nothing moves.</summary>
    Error,

    /// <summary>Said with the answer (apply, validate, diff, undo, retry); the release goes ahead.</summary>
    Warning,
}
