using System.Collections.Frozen;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Reads an env entry's <c>valueFrom</c>, as Kubernetes writes it: <c>{secretKeyRef: {name: db, key: url}}</c>, a key
/// of a Slipway secret of the app's environment. Kubernetes' other sources (config maps, fields of the pod) have no
/// meaning here and are refused by name rather than as unknown fields.
/// </summary>
internal sealed class ValueFromReader(SpecReader reader)
{
    private static readonly FieldSet ValueFromFields = new(
        ["secretKeyRef"],
        new Dictionary<string, string>
        {
            ["configMapKeyRef"] = "not supported: Slipway has no config maps; write the value in 'value', or keep it in a secret (secretKeyRef)",
            ["fieldRef"] = "not supported: Slipway sets SLIPWAY_APP, SLIPWAY_ENV, SLIPWAY_REVISION and SLIPWAY_INSTANCE in every instance",
            ["resourceFieldRef"] = "not supported: the local target sets no resource limits",
        }.ToFrozenDictionary());

    private static readonly FieldSet SecretKeyRefFields = new(
        ["name", "key"],
        new Dictionary<string, string>
        {
            ["optional"] = "not supported: a key a spec refers to must exist (apply checks it, and says how to set it)",
        }.ToFrozenDictionary());

    /// <summary>The secret key <paramref name="entry"/>'s <c>valueFrom</c> names; null (reported when wrong) otherwise.</summary>
    public SecretKeyRef? Read(MappingFields entry)
    {
        if (entry.Entry("valueFrom") is null)
        {
            return null;
        }

        var valueFrom = reader.Child(entry, "valueFrom", ValueFromFields);
        if (!valueFrom.IsValid)
        {
            return null;
        }

        if (valueFrom.Value("secretKeyRef") is null)
        {
            // A misspelt or unsupported source was reported already; "missing" would only repeat it.
            if (valueFrom.UnknownFields.Count == 0)
            {
                reader.Error(entry.Value("valueFrom")?.Start ?? entry.KeyPosition("valueFrom"), valueFrom.Path, "expected a mapping with secretKeyRef: {name: SECRET, key: KEY}");
            }

            return null;
        }

        var secretKeyRef = reader.Child(valueFrom, "secretKeyRef", SecretKeyRefFields);
        var before = reader.ErrorCount;
        var name = reader.RequiredString(secretKeyRef, "name");
        reader.Check(secretKeyRef, "name", name, n => SecretNames.CheckName(n) is { } problem ? $"a secret name {problem}" : null);
        var key = reader.RequiredString(secretKeyRef, "key");
        reader.Check(secretKeyRef, "key", key, k => SecretNames.CheckKey(k) is { } problem ? $"a secret key {problem}" : null);
        return secretKeyRef.IsValid && reader.ErrorCount == before ? new SecretKeyRef(name, key) : null;
    }
}
