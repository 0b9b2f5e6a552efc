using Slipway.Core.Analysis;
using Slipway.Core.Images;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// What reading one document produced: an application (<see cref="Manifest"/>), an analysis template
/// (<see cref="Template"/>) or an image policy (<see cref="Policy"/>), null when the document had errors. <see cref="Identity"/>,
/// <see cref="TemplateIdentity"/>, <see cref="PolicyIdentity"/> and <see cref="Routes"/> hold only values that were themselves valid, so that the
/// checks across documents work even on a document with other errors, without reporting collisions between
/// placeholder values.
/// </summary>
internal sealed record DocumentReadResult(
    SpecPosition Start,
    ApplicationManifest? Manifest,
    DocumentIdentity? Identity,
    IReadOnlyList<RouteClaim> Routes)
{
    public AnalysisTemplate? Template { get; init; }

    public TemplateIdentity? TemplateIdentity { get; init; }

    public ImagePolicy? Policy { get; init; }

    public PolicyIdentity? PolicyIdentity { get; init; }
}

/// <summary>Which analysis template a document defines, and where its name is.</summary>
internal sealed record TemplateIdentity(string Name, SpecPosition At);

/// <summary>Which image policy a document defines, and where its name is.</summary>
internal sealed record PolicyIdentity(string Name, SpecPosition At);
