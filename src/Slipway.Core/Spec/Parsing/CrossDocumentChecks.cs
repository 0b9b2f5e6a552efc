namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// The checks that need every document submitted together (one file, or several applied as one unit):
/// one document per app×env, one per analysis template name, one per image policy name, and one owner per route (host + path prefix), counting
/// main routes and blue-green preview routes alike. The first occurrence wins; every later one is reported in its own
/// file, pointing back at the first — by line in the same file, by file and line in another.
/// </summary>
internal static class CrossDocumentChecks
{
    public static void Run(IReadOnlyList<(SpecErrorSink File, DocumentReadResult Document)> documents)
    {
        var applications = new Dictionary<(string, string), (DocumentIdentity Identity, SpecErrorSink File)>();
        var routes = new Dictionary<(string, string), (RouteClaim Claim, DocumentReadResult Owner, SpecErrorSink File)>();
        var templates = new Dictionary<string, (TemplateIdentity Identity, SpecErrorSink File)>(StringComparer.Ordinal);
        var policies = new Dictionary<string, (PolicyIdentity Identity, SpecErrorSink File)>(StringComparer.Ordinal);
        foreach (var (file, document) in documents)
        {
            if (document.TemplateIdentity is { } template && !templates.TryAdd(template.Name, (template, file)))
            {
                var first = templates[template.Name];
                file.Add(template.At, "metadata.name", $"duplicate analysis template '{template.Name}': also defined at {Place(file, first.File, first.Identity.At)}");
            }

            if (document.PolicyIdentity is { } policy && !policies.TryAdd(policy.Name, (policy, file)))
            {
                var first = policies[policy.Name];
                file.Add(policy.At, "metadata.name", $"duplicate image policy '{policy.Name}': also defined at {Place(file, first.File, first.Identity.At)}");
            }

            if (document.Identity is { } identity
                && !applications.TryAdd((identity.Name, identity.Environment), (identity, file)))
            {
                var first = applications[(identity.Name, identity.Environment)];
                file.Add(identity.At, "metadata.name", $"duplicate application {identity}: also defined at {Place(file, first.File, first.Identity.At)}");

                // Its routes would collide with the first document's: one error says it all.
                continue;
            }

            foreach (var claim in document.Routes)
            {
                if (routes.TryAdd((claim.Host, claim.PathPrefix), (claim, document, file)))
                {
                    continue;
                }

                var (firstClaim, firstOwner, firstFile) = routes[(claim.Host, claim.PathPrefix)];
                var which = firstClaim.IsDefault ? $"{firstClaim.Path}, by default" : firstClaim.Path;
                var owner = firstOwner.Identity?.ToString() ?? $"the document at {Place(file, firstFile, firstOwner.Start)}";
                var hint = claim.IsDefault ? $" (this one is the default: set {claim.Path}.host)" : "";
                file.Add(claim.At, claim.Path, $"duplicate route {claim}: also used by {owner} ({which}) at {Place(file, firstFile, firstClaim.At)}{hint}");
            }
        }
    }

    /// <summary><c>line 4</c> in the file being reported on; <c>apps/api.yaml:4</c> in another.</summary>
    private static string Place(SpecErrorSink reporting, SpecErrorSink file, SpecPosition at) =>
        ReferenceEquals(reporting, file) ? $"line {at.Line}" : $"{file.FileName}:{at.Line}";
}
