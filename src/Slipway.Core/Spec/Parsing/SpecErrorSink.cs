namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Collects the errors of one file. Readers never throw on a bad spec: they record the problem
/// here and carry on, so that the user sees every error in one pass.
/// </summary>
internal sealed class SpecErrorSink(string fileName)
{
    private readonly List<SpecError> _errors = [];

    public int Count => _errors.Count;

    public string FileName => fileName;

    /// <param name="path">The field path; empty for the document's root mapping itself.</param>
    public void Add(SpecPosition at, string path, string message) =>
        _errors.Add(new SpecError(fileName, at.Line, at.Column, path.Length == 0 ? SpecPath.Document : path, message));

    /// <summary>The errors in reading order: by line, then column (stable for ties).</summary>
    public IReadOnlyList<SpecError> Sorted() =>
        [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
}
