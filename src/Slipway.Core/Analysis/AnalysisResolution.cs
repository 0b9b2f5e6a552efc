namespace Slipway.Core.Analysis;

/// <summary>
/// An analysis reference made concrete for one run: every metric of its templates, then its inline metrics, with
/// every placeholder replaced. When the templates no longer fit the reference (one was deleted, or now declares an
/// argument the reference does not give), <see cref="Metrics"/> is empty and <see cref="Errors"/> says why: the run
/// cannot start, and says so.
/// </summary>
public sealed record AnalysisResolution(IReadOnlyList<MetricSpec> Metrics, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
