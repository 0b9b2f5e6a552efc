using Slipway.Core.Spec;

namespace Slipway.Core.Analysis;

/// <summary>An analysis reference of an application's spec, with the field path it is written at
/// (<c>spec.strategy.canary.steps[2].analysis</c>), so that a problem found with it points at its line.</summary>
/// <param name="Background">A canary's background analysis, which runs until the rollout ends; every other analysis
/// (a step, blue-green's pre- and post-promotion) is waited for, and must end by itself.</param>
public sealed record AnalysisRefSite(string Path, AnalysisRef Analysis, bool Background = false)
{
    /// <summary>Every analysis reference of <paramref name="spec"/>, in the order they are written: a canary's
    /// background analysis, then its analysis steps; blue-green's pre-promotion, then post-promotion analysis.</summary>
    public static IReadOnlyList<AnalysisRefSite> Of(ApplicationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sites = new List<AnalysisRefSite>();
        switch (spec.Strategy)
        {
            case CanaryStrategy canary:
                if (canary.Analysis is { } background)
                {
                    sites.Add(new AnalysisRefSite("spec.strategy.canary.analysis", background.Analysis, Background: true));
                }

                for (var i = 0; i < canary.Steps.Count; i++)
                {
                    if (canary.Steps[i] is AnalysisStep step)
                    {
                        sites.Add(new AnalysisRefSite($"spec.strategy.canary.steps[{i}].analysis", step.Analysis));
                    }
                }

                break;
            case BlueGreenStrategy blueGreen:
                if (blueGreen.PrePromotionAnalysis is { } pre)
                {
                    sites.Add(new AnalysisRefSite("spec.strategy.blueGreen.prePromotionAnalysis", pre));
                }

                if (blueGreen.PostPromotionAnalysis is { } post)
                {
                    sites.Add(new AnalysisRefSite("spec.strategy.blueGreen.postPromotionAnalysis", post));
                }

                break;
        }

        return sites;
    }
}
