using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Spec;

/// <summary>
/// Parses and validates a spec file, or several as one unit: one or more <c>kind: Application</c>,
/// <c>kind: AnalysisTemplate</c> and <c>kind: ImagePolicy</c> documents, in any order, separated by <c>---</c>. Every
/// problem in every document is reported at once, and a file with any error yields no manifest, no template and no
/// policy at all. Pure: no file system access
/// (the caller checks that artifact directories exist), no clock. Whether the templates an application refers to
/// exist is checked against the server's templates when applied (<see cref="Analysis.AnalysisResolver.Check"/>).
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
        return Parse([new SpecFileContent(fileName, text, baseDirectory)], environment);
    }

    /// <summary>
    /// Parses several files as one unit, as <c>slipway apply -f a.yaml -f b.yaml</c> (or <c>-f DIR</c>) submits them:
    /// every error of every file at once, each naming its own file, and no manifest at all when there is any. The
    /// checks across documents (one document per app×env, one owner per route, one template and one policy per name) run across the
    /// files too, and an error about a second definition names the first one's file and line.
    /// </summary>
    /// <param name="files">The files, in the order they were given: manifests and errors come in that order.</param>
    /// <param name="environment">As for a single file: applies to every document of every file.</param>
    public static SpecParseResult Parse(IReadOnlyList<SpecFileContent> files, string? environment = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var sinks = new List<SpecErrorSink>();
        var documents = new List<(SpecErrorSink File, DocumentReadResult Document)>();
        foreach (var file in files)
        {
            ArgumentNullException.ThrowIfNull(file);
            var errors = new SpecErrorSink(file.FileName);
            sinks.Add(errors);
            SpecText.CheckCharacters(file.Content, errors);
            var roots = YamlDocumentLoader.Load(file.Content, errors);
            if (roots.Count == 0 && errors.Count == 0)
            {
                errors.Add(SpecPosition.Start, SpecPath.File, "no documents: expected at least one 'kind: Application', 'kind: AnalysisTemplate' or 'kind: ImagePolicy' document");
            }

            var reader = new SpecReader(errors);
            var applications = new ApplicationReader(reader, file.BaseDirectory, environment);
            var templates = new AnalysisTemplateReader(reader);
            var policies = new ImagePolicyReader(reader);
            documents.AddRange(roots.Select(root => (errors, DocumentKinds.Of(root) switch
            {
                Analysis.AnalysisTemplate.Kind => templates.Read(root),
                Images.ImagePolicy.Kind => policies.Read(root),
                _ => applications.Read(root),
            })));
        }

        CrossDocumentChecks.Run(documents);

        return sinks.Any(s => s.Count > 0)
            ? new SpecParseResult([], [.. sinks.SelectMany(s => s.Sorted())])
            : new SpecParseResult([.. documents.Select(d => d.Document.Manifest).OfType<ApplicationManifest>()], [])
            {
                Templates = [.. documents.Select(d => d.Document.Template).OfType<Analysis.AnalysisTemplate>()],
                Policies = [.. documents.Select(d => d.Document.Policy).OfType<Images.ImagePolicy>()],
            };
    }
}
