namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// A YAML mapping as seen by a reader: its fields by name (first occurrence; duplicates and
/// unknown fields were already reported), its path, and where to point when a field is missing.
/// An <see cref="IsValid">invalid</see> one stands for a mapping that was wrong or missing and
/// already reported: reading from it yields nothing and reports nothing, so that one mistake
/// does not cascade into a page of "missing field" errors.
/// </summary>
internal sealed class MappingFields
{
    private readonly Dictionary<string, SpecMappingEntry> _entries;

    public MappingFields(string path, SpecPosition missingAt, bool isValid, Dictionary<string, SpecMappingEntry> entries, IReadOnlyList<string>? unknownFields = null)
    {
        Path = path;
        MissingAt = missingAt;
        IsValid = isValid;
        _entries = entries;
        UnknownFields = unknownFields ?? [];
    }

    public string Path { get; }

    /// <summary>Where "missing required field" errors point: the key that owns this mapping.</summary>
    public SpecPosition MissingAt { get; }

    public bool IsValid { get; }

    /// <summary>The fields that were unknown (and reported): often misspellings of one that then looks missing.</summary>
    public IReadOnlyList<string> UnknownFields { get; }

    /// <summary>The names present, in document order, including those whose value is null.</summary>
    public IEnumerable<string> Present => _entries.Keys;

    public static MappingFields Invalid(string path, SpecPosition at) => new(path, at, isValid: false, []);

    public static MappingFields Empty(string path, SpecPosition at) => new(path, at, isValid: true, []);

    public string PathOf(string name) => SpecPath.Field(Path, name);

    /// <summary>The key and value as written, even when the value is null (<c>recreate:</c>).</summary>
    public SpecMappingEntry? Entry(string name) => _entries.GetValueOrDefault(name);

    /// <summary>The value, or null when the field is absent or null: like Kubernetes, null means "not set".</summary>
    public SpecNode? Value(string name) =>
        _entries.TryGetValue(name, out var entry) && entry.Value is not SpecScalar { IsNull: true } ? entry.Value : null;

    /// <summary>Where the field's key is, or where this mapping's own key is when the field is absent.</summary>
    public SpecPosition KeyPosition(string name) =>
        _entries.TryGetValue(name, out var entry) ? entry.Key.Start : MissingAt;
}
