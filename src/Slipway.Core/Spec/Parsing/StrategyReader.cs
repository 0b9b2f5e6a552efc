namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads <c>spec.strategy</c>: exactly one of recreate, rolling, blueGreen, canary; rolling 25%/25% when absent.
/// Canary and blue-green strategies may hold analysis references (see <see cref="AnalysisRefReader"/>).
/// </summary>
internal sealed class StrategyReader(SpecReader reader, RouteReader routes)
{
    private static readonly IReadOnlyList<string> Kinds = ["recreate", "rolling", "blueGreen", "canary"];

    private static readonly FieldSet StrategyFields = FieldSet.Of(Kinds);
    private static readonly FieldSet RecreateFields = FieldSet.Of();
    private static readonly FieldSet RollingFields = FieldSet.Of("maxSurge", "maxUnavailable");
    private static readonly FieldSet BlueGreenFields = FieldSet.Of("autoPromotionEnabled", "previewRoute", "scaleDownDelaySeconds", "prePromotionAnalysis", "postPromotionAnalysis");
    private static readonly FieldSet CanaryFields = FieldSet.Of("steps", "analysis");

    private readonly AnalysisRefReader _analyses = new(reader);
    private readonly CanaryStepReader _steps = new(reader);

    public StrategySpec Read(MappingFields spec, DocumentIdentity? identity, List<RouteClaim> claims)
    {
        if (spec.Value("strategy") is null)
        {
            return RollingStrategy.Default;
        }

        var strategy = reader.Child(spec, "strategy", StrategyFields);
        var read = reader.Choose(strategy, Kinds).Select(kind => Read(strategy, kind, identity, claims)).ToList();
        return read.FirstOrDefault() ?? RollingStrategy.Default; // placeholder: the error is recorded
    }

    private StrategySpec Read(MappingFields strategy, string kind, DocumentIdentity? identity, List<RouteClaim> claims) => kind switch
    {
        "recreate" => ReadRecreate(strategy),
        "rolling" => ReadRolling(reader.Child(strategy, kind, RollingFields)),
        "blueGreen" => ReadBlueGreen(reader.Child(strategy, kind, BlueGreenFields), identity, claims),
        _ => ReadCanary(reader.Child(strategy, kind, CanaryFields)),
    };

    private RecreateStrategy ReadRecreate(MappingFields strategy)
    {
        // Recreate has no settings, but "recreate: {foo: 1}" is still a mistake worth reporting.
        reader.Child(strategy, "recreate", RecreateFields);
        return new RecreateStrategy();
    }

    private RollingStrategy ReadRolling(MappingFields rolling)
    {
        var before = reader.ErrorCount;
        var maxSurge = reader.IntOrPercent(rolling, "maxSurge", RollingStrategy.Default.MaxSurge);
        var maxUnavailable = reader.IntOrPercent(rolling, "maxUnavailable", RollingStrategy.Default.MaxUnavailable);

        // Checked on the values as written, as Kubernetes does: with neither a surge nor an
        // unavailable instance allowed, no old instance could ever be replaced.
        if (reader.ErrorCount == before && maxSurge.Value == 0 && maxUnavailable.Value == 0)
        {
            reader.Error(rolling.MissingAt, rolling.Path, "maxSurge and maxUnavailable must not both be 0: the rollout could never replace an instance");
        }

        return new RollingStrategy(maxSurge, maxUnavailable);
    }

    private BlueGreenStrategy ReadBlueGreen(MappingFields blueGreen, DocumentIdentity? identity, List<RouteClaim> claims)
    {
        var defaultHost = identity is null ? null : BlueGreenStrategy.DefaultPreviewHost(identity.Name, identity.Environment);
        return new BlueGreenStrategy(
            reader.Bool(blueGreen, "autoPromotionEnabled", true),
            routes.Read(blueGreen, "previewRoute", defaultHost, claims),
            reader.Int(blueGreen, "scaleDownDelaySeconds", BlueGreenStrategy.DefaultScaleDownDelaySeconds, 0))
        {
            PrePromotionAnalysis = _analyses.Read(blueGreen, "prePromotionAnalysis"),
            PostPromotionAnalysis = _analyses.Read(blueGreen, "postPromotionAnalysis"),
        };
    }

    private CanaryStrategy ReadCanary(MappingFields canary)
    {
        // No steps is valid, as in Argo Rollouts: the canary is promoted at once.
        var steps = new List<CanaryStep>();
        var list = reader.Sequence(canary, "steps");
        if (list is not null)
        {
            var path = canary.PathOf("steps");
            for (var i = 0; i < list.Items.Count; i++)
            {
                steps.Add(_steps.Read(list.Items[i], SpecPath.Index(path, i)));
            }
        }

        // Without a readable list of steps, how far startingStep may go is unknown (and the list's error is reported).
        var stepCount = list is not null || canary.Value("steps") is null ? steps.Count : (int?)null;
        return new CanaryStrategy(steps) { Analysis = _analyses.ReadBackground(canary, stepCount) };
    }
}
