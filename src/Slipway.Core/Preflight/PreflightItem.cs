namespace Slipway.Core.Preflight;

/// <summary>
/// One finding of the preflight checks, in words for whoever releases (the value of a secret never appears in it).
/// </summary>
/// <param name="Name">The env name it is about, if any (<c>DATABASE_URL</c>).</param>
/// <param name="Path">Where in the spec to fix it (<c>spec.requiredEnv[0]</c>), so that an apply's error points at that
/// line; null when no field is at fault.</param>
/// <param name="Message">What is wrong and how to put it right, without the app's name: "DATABASE_URL is required but
/// not set (…)".</param>
public sealed record PreflightItem(PreflightCheck Check, PreflightSeverity Severity, string? Name, string? Path, string Message);
