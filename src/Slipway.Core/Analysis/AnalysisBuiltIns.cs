namespace Slipway.Core.Analysis;

/// <summary>
/// The values of the placeholders every provider string may use without declaring them: <c>{{app}}</c>,
/// <c>{{environment}}</c>, <c>{{revision}}</c> (the revision under analysis: the canary, the preview, or the one just
/// promoted) and <c>{{stableRevision}}</c> (the one it is compared with or replaces; empty when there is none, on a
/// first rollout).
/// </summary>
public sealed record AnalysisBuiltIns(string App, string Environment, int Revision, int? StableRevision);
