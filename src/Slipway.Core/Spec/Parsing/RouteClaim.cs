namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// A host + path prefix that a document asks the router to serve (its main route, a blue-green
/// preview route). Collected so that two routes claiming the same place are reported.
/// </summary>
/// <param name="IsDefault">The route was not written but derived from the app and environment names.</param>
internal sealed record RouteClaim(string Host, string PathPrefix, string Path, SpecPosition At, bool IsDefault)
{
    public override string ToString() => Host + PathPrefix;
}
