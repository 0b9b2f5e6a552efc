using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Spec;

/// <summary>
/// Where the fields of one parsed document were written. Checks made after parsing — that the
/// artifact directory exists, that a route is not already used by another app — point at the
/// line at fault with it, exactly as the parser's own errors do.
/// </summary>
public sealed class SpecSource
{
    private readonly IReadOnlyDictionary<string, (SpecPosition Key, SpecPosition Value)> _fields;

    internal SpecSource(string fileName, SpecPosition document, IReadOnlyDictionary<string, (SpecPosition Key, SpecPosition Value)> fields)
    {
        FileName = fileName;
        Document = document;
        _fields = fields;
    }

    /// <summary>The file name given to the parser, as errors name it.</summary>
    public string FileName { get; }

    /// <summary>Where the document starts.</summary>
    public SpecPosition Document { get; }

    /// <summary>
    /// The position of the value at <paramref name="path"/> (e.g. <c>spec.artifact.path</c>). For a field
    /// that was not written (a default), the key of its nearest written ancestor, as the parser points
    /// a missing field at its parent's key; the document's start when nothing on the path was written.
    /// </summary>
    public SpecPosition PositionOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_fields.TryGetValue(path, out var field))
        {
            return field.Value;
        }

        for (var parent = SpecPath.Parent(path); parent is not null; parent = SpecPath.Parent(parent))
        {
            if (_fields.TryGetValue(parent, out var ancestor))
            {
                return ancestor.Key;
            }
        }

        return Document;
    }

    /// <summary>An error about the field at <paramref name="path"/>, at its position in this document.</summary>
    public SpecError ErrorAt(string path, string message)
    {
        var at = PositionOf(path);
        return new SpecError(FileName, at.Line, at.Column, path, message);
    }
}
