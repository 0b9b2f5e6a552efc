using Slipway.Core.Analysis;

namespace Slipway.Core.Spec;

public abstract record CanaryStep;

/// <summary>Run an analysis and wait for it: the step is done when it succeeds (see <see cref="AnalysisRef"/>).</summary>
public sealed record AnalysisStep(AnalysisRef Analysis) : CanaryStep;

/// <summary>Send Weight % of requests to the canary, at the router.</summary>
public sealed record SetWeightStep(int Weight) : CanaryStep;

/// <summary>Wait for Duration, or, when null, until promoted.</summary>
public sealed record PauseStep(TimeSpan? Duration) : CanaryStep;

/// <summary>Requests matching every entry of Match go to the canary. An empty Match removes the route.</summary>
public sealed record SetHeaderRouteStep(string Name, IReadOnlyList<HeaderMatch> Match) : CanaryStep;

/// <summary>Copy Percentage % of requests to the canary and discard its responses. 0 removes the mirror.</summary>
public sealed record SetMirrorStep(int Percentage) : CanaryStep;

public sealed record HeaderMatch(string HeaderName, StringMatch Value);

/// <summary>Exactly one of Exact, Prefix, Regex is set.</summary>
public sealed record StringMatch(string? Exact = null, string? Prefix = null, string? Regex = null);
