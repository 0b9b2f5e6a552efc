namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// The checks that need every document of a file: one document per app×env, and one owner per
/// route (host + path prefix), counting main routes and blue-green preview routes alike.
/// The first occurrence wins; every later one is reported, pointing back at the first.
/// </summary>
internal static class CrossDocumentChecks
{
    public static void Run(IReadOnlyList<DocumentReadResult> documents, SpecErrorSink errors)
    {
        var applications = new Dictionary<(string, string), DocumentIdentity>();
        var routes = new Dictionary<(string, string), (RouteClaim Claim, string Owner)>();
        foreach (var document in documents)
        {
            if (document.Identity is { } identity
                && !applications.TryAdd((identity.Name, identity.Environment), identity))
            {
                var first = applications[(identity.Name, identity.Environment)];
                errors.Add(identity.At, "metadata.name", $"duplicate application {identity}: also defined at line {first.At.Line}");

                // Its routes would collide with the first document's: one error says it all.
                continue;
            }

            var owner = document.Identity?.ToString() ?? $"the document at line {document.Start.Line}";
            foreach (var claim in document.Routes)
            {
                if (routes.TryAdd((claim.Host, claim.PathPrefix), (claim, owner)))
                {
                    continue;
                }

                var (firstClaim, firstOwner) = routes[(claim.Host, claim.PathPrefix)];
                var which = firstClaim.IsDefault ? $"{firstClaim.Path}, by default" : firstClaim.Path;
                var hint = claim.IsDefault ? $" (this one is the default: set {claim.Path}.host)" : "";
                errors.Add(claim.At, claim.Path, $"duplicate route {claim}: also used by {firstOwner} ({which}) at line {firstClaim.At.Line}{hint}");
            }
        }
    }
}
