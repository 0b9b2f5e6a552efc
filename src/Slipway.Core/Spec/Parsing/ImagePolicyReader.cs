using System.Collections.Frozen;
using Slipway.Core.Images;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Maps one <c>kind: ImagePolicy</c> document onto <see cref="ImagePolicy"/>: its name, the environments it applies to,
/// and what it asks of their images — signatures by named Slipway keys, a vulnerability threshold, or both. A policy
/// that asks nothing is refused: it would look like protection and be none.
/// </summary>
internal sealed class ImagePolicyReader
{
    private static readonly FieldSet RootFields = FieldSet.Of("apiVersion", "kind", "metadata", "spec");

    private const string Global = "an image policy is global to a Slipway server: it names the environments it applies to in spec.environments";

    private static readonly FieldSet MetadataFields = new(
        ["name"],
        new Dictionary<string, string> { ["environment"] = Global, ["namespace"] = Global }.ToFrozenDictionary());

    private static readonly FieldSet SpecFields = new(
        ["environments", "signatures", "vulnerabilities"],
        new Dictionary<string, string>
        {
            ["environment"] = "write environments: [NAME, …], a list (a policy may apply to several environments)",
            ["exceptions"] = "exceptions to the vulnerability gate are recorded on the server, each with a reason and an expiry, not in the policy",
        }.ToFrozenDictionary());

    private static readonly FieldSet SignatureFields = new(
        ["keys"],
        new Dictionary<string, string>
        {
            ["keyless"] = "keyless signatures (Fulcio certificates, Rekor) are not supported: name Slipway signing keys in keys",
            ["identities"] = "keyless signatures (Fulcio certificates, Rekor) are not supported: name Slipway signing keys in keys",
            ["key"] = "write keys: [NAME, …], a list: an image signed by any one of them is accepted",
        }.ToFrozenDictionary());

    private static readonly FieldSet VulnerabilityFields = new(
        ["refuseAt"],
        new Dictionary<string, string>
        {
            ["exceptions"] = "exceptions to the vulnerability gate are recorded on the server, each with a reason and an expiry, not in the policy",
        }.ToFrozenDictionary());

    private readonly SpecReader _reader;

    public ImagePolicyReader(SpecReader reader) => _reader = reader;

    /// <param name="root">A mapping: a document that is not one is read as an application, which reports it.</param>
    public DocumentReadResult Read(SpecNode root)
    {
        var before = _reader.ErrorCount;
        var fields = _reader.BeginDocument();
        var document = _reader.Mapping(root, "", root.Start, RootFields);
        DocumentKinds.CheckHeader(_reader, document);

        var metadata = _reader.RequiredChild(document, "metadata", MetadataFields);
        var name = _reader.RequiredString(metadata, "name");
        _reader.Check(metadata, "name", name, SpecNames.CheckDnsLabel);
        var identity = name.Length > 0 && SpecNames.CheckDnsLabel(name) is null && metadata.Value("name") is { } nameNode
            ? new PolicyIdentity(name, nameNode.Start)
            : null;

        var spec = _reader.RequiredChild(document, "spec", SpecFields);
        var environments = ReadNames(spec, "environments", "environment");
        var signatures = ReadSignatures(spec);
        var vulnerabilities = ReadVulnerabilities(spec);
        if (spec.IsValid && spec.Value("signatures") is null && spec.Value("vulnerabilities") is null && spec.UnknownFields.Count == 0)
        {
            // A misspelt field (signature:) was reported with its "did you mean"; "asks nothing" would only repeat it.
            _reader.Error(spec.MissingAt, spec.Path, "an image policy must set signatures, vulnerabilities or both: as written it asks nothing of an image");
        }

        var policy = _reader.ErrorCount == before
            ? new ImagePolicy(name, environments, signatures, vulnerabilities) { Source = new SpecSource(_reader.FileName, root.Start, fields) }
            : null;
        return new DocumentReadResult(root.Start, null, null, []) { Policy = policy, PolicyIdentity = identity };
    }

    private SignaturePolicy? ReadSignatures(MappingFields spec)
    {
        if (!spec.IsValid || spec.Value("signatures") is null)
        {
            return null;
        }

        var signatures = _reader.Child(spec, "signatures", SignatureFields);
        var keys = ReadNames(signatures, "keys", "signing key");
        return new SignaturePolicy(keys);
    }

    private VulnerabilityPolicy? ReadVulnerabilities(MappingFields spec)
    {
        if (!spec.IsValid || spec.Value("vulnerabilities") is null)
        {
            return null;
        }

        var vulnerabilities = _reader.Child(spec, "vulnerabilities", VulnerabilityFields);
        if (vulnerabilities.IsValid && vulnerabilities.Value("refuseAt") is null)
        {
            _reader.Missing(vulnerabilities, "refuseAt");
            return null;
        }

        // GitHub's advisories say "moderate" where CVSS says "medium": point at the word the spec takes.
        if (vulnerabilities.Value("refuseAt") is SpecScalar { Value: "moderate" or "Moderate" or "MODERATE" } moderate)
        {
            _reader.Error(moderate.Start, vulnerabilities.PathOf("refuseAt"), $"expected one of: {string.Join(", ", VulnerabilitySeverities.Words)}, got '{moderate.Value}' (write 'medium': CVSS's word for GitHub's 'moderate')");
            return null;
        }

        var word = _reader.OneOf(vulnerabilities, "refuseAt", VulnerabilitySeverities.Words);
        return word is not null && VulnerabilitySeverities.FromWord(word) is { } severity ? new VulnerabilityPolicy(severity) : null;
    }

    /// <summary>
    /// A required, non-empty list of DNS labels, each once: environments, signing keys. Not reported missing when the
    /// mapping holds an unknown field: that one (<c>environment: prod</c>, <c>key: release</c>) was reported with what to
    /// write instead, and "missing" would only repeat it.
    /// </summary>
    private List<string> ReadNames(MappingFields parent, string field, string what)
    {
        var names = _reader.StringList(parent, field, required: parent.UnknownFields.Count == 0);
        if (parent.Value(field) is not SpecSequence list)
        {
            return [.. names];
        }

        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var (name, node) = (names[i], list.Items[i]);
            if (node is not SpecScalar { IsNull: false })
            {
                continue; // already reported: expected a string
            }

            var itemPath = SpecPath.Index(parent.PathOf(field), i);
            if (name.Length == 0)
            {
                _reader.Error(node.Start, itemPath, "must not be empty");
            }
            else if (SpecNames.CheckDnsLabel(name) is { } problem)
            {
                _reader.Error(node.Start, itemPath, $"{what} name {problem}");
            }
            else if (!seen.TryAdd(name, node.Start))
            {
                _reader.Error(node.Start, itemPath, $"duplicate {what} '{name}' (first listed at line {seen[name].Line})");
            }
        }

        return [.. names];
    }
}
