namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// What reading one document produced. <see cref="Manifest"/> is null when the document had
/// errors. <see cref="Identity"/> and <see cref="Routes"/> hold only values that were themselves
/// valid, so that the checks across documents work even on a document with other errors,
/// without reporting collisions between placeholder values.
/// </summary>
internal sealed record DocumentReadResult(
    SpecPosition Start,
    ApplicationManifest? Manifest,
    DocumentIdentity? Identity,
    IReadOnlyList<RouteClaim> Routes);
