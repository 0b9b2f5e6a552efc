namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// An <c>env</c> list as Kubernetes writes it — <c>{name, value}</c>, or <c>{name, valueFrom: {secretKeyRef: {name,
/// key}}}</c> — for an application and for a job hook: names checked, duplicates and names Slipway sets refused, every
/// error at its position.
/// </summary>
internal sealed class EnvReader(SpecReader reader)
{
    private static readonly FieldSet EnvFields = FieldSet.Of("name", "value", "valueFrom");
    private readonly ValueFromReader _valueFrom = new(reader);

    /// <param name="reserved">Why a name may not be set here (Slipway sets it), or null when it may.</param>
    public List<EnvVar> Read(MappingFields parent, Func<string, string?> reserved)
    {
        var result = new List<EnvVar>();
        if (reader.Sequence(parent, "env") is not { } list)
        {
            return result;
        }

        var path = parent.PathOf("env");
        var seen = new Dictionary<string, SpecPosition>(StringComparer.Ordinal);
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            if (item is SpecScalar { IsNull: true })
            {
                reader.Error(item.Start, SpecPath.Index(path, i), "expected a mapping with name and value, got null");
                continue;
            }

            var entry = reader.Mapping(item, SpecPath.Index(path, i), item.Start, EnvFields);
            var name = reader.RequiredString(entry, "name");
            reader.Check(entry, "name", name, SpecNames.CheckEnvName);
            if (name.Length > 0 && entry.Value("name") is { } nameNode)
            {
                if (reserved(name) is { } why)
                {
                    reader.Error(nameNode.Start, entry.PathOf("name"), $"{name} is reserved: {why}");
                }
                else if (!seen.TryAdd(name, nameNode.Start))
                {
                    reader.Error(nameNode.Start, entry.PathOf("name"), $"duplicate env name '{name}' (first set at line {seen[name].Line})");
                }
            }

            // Kubernetes allows a variable without a value: it is set, and empty. With valueFrom, the value is a secret's.
            var value = reader.OptionalString(entry, "value") ?? "";
            if (entry.Entry("value") is not null && entry.Entry("valueFrom") is not null)
            {
                reader.Error(entry.KeyPosition("valueFrom"), entry.PathOf("valueFrom"), "set either value or valueFrom, not both");
                continue;
            }

            result.Add(new EnvVar(name, value) { SecretKeyRef = _valueFrom.Read(entry) });
        }

        return result;
    }
}
