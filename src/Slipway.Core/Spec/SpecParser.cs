using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Spec;

/// <summary>
/// Parses and validates a spec file: one or more <c>kind: Application</c> documents separated by
/// <c>---</c>. Every problem in every document is reported at once, and a file with any error
/// yields no manifest at all. Pure: no file system access (the caller checks that artifact
/// directories exist), no clock.
/// </summary>
public static class SpecParser
{
    /// <param name="text">The file's content.</param>
    /// <param name="fileName">How errors name the file (e.g. the path relative to the repository).</param>
    /// <param name="baseDirectory">What relative <c>artifact.path</c>s are resolved against; give an absolute path.</param>
    /// <param name="environment">The environment asked for (<c>-e</c>), if any: documents without
    /// <c>metadata.environment</c> deploy there, and a document that names another one is an error.</param>
    public static SpecParseResult Parse(string text, string fileName, string baseDirectory, string? environment = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(baseDirectory);

        var errors = new SpecErrorSink(fileName);
        SpecText.CheckCharacters(text, errors);
        var roots = YamlDocumentLoader.Load(text, errors);
        if (roots.Count == 0 && errors.Count == 0)
        {
            errors.Add(SpecPosition.Start, SpecPath.File, "no documents: expected at least one 'kind: Application' document");
        }

        var reader = new ApplicationReader(new SpecReader(errors), baseDirectory, environment);
        var documents = roots.Select(reader.Read).ToList();
        CrossDocumentChecks.Run(documents, errors);

        return errors.Count > 0
            ? new SpecParseResult([], errors.Sorted())
            : new SpecParseResult([.. documents.Select(d => d.Manifest!)], []);
    }
}
