using Slipway.Core.Analysis;
using System.Text;
using Slipway.Core.Spec;
using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// Everything that can be checked about spec files on the machine that holds them: their sizes, the parse of them all
/// as one unit (with the environment asked for), and each artifact directory — that it exists and is a directory, and that it holds only
/// files, directories and symlinks that stay inside it, within the size limit. The server runs it before every
/// apply; <c>slipway validate</c> runs the same code locally, so the two never disagree. Only what needs the
/// server's state (routes already used by other apps) is left to the server.
/// </summary>
public sealed class SpecValidator(ArtifactLimits limits, TimeProvider time)
{
    public const string ArtifactPath = "spec.artifact.path";

    public const string ImagePath = "spec.artifact.image";

    public async Task<SpecValidation> ValidateAsync(ApplyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var files = request.AllFiles();
        if (CheckSizes(files) is { Count: > 0 } tooLarge)
        {
            return new SpecValidation([], tooLarge);
        }

        var parsed = SpecParser.Parse(files, request.Environment);
        if (!parsed.IsValid)
        {
            return new SpecValidation([], parsed.Errors);
        }

        var errors = new List<SpecError>();
        var scans = new Dictionary<string, ArtifactScan>(StringComparer.Ordinal);
        foreach (var documents in parsed.Manifests.Where(m => !m.Spec.Template.Artifact.IsImage).GroupBy(m => m.Spec.Template.Artifact.Path!, StringComparer.Ordinal))
        {
            var (scan, problems) = await CheckArtifactAsync(documents.Key, ct);
            if (scan is not null && problems.Count == 0)
            {
                scans[documents.Key] = scan;
            }

            // Every document that uses the artifact gets the errors, at its own artifact.path.
            errors.AddRange(documents.SelectMany(m => problems.Select(p => ErrorAt(m, ArtifactPath, p))));
        }

        return errors.Count > 0
            ? new SpecValidation([], InFileOrder(files, errors))
            : new SpecValidation(parsed.Manifests, []) { Artifacts = scans, Templates = parsed.Templates, Policies = parsed.Policies };
    }

    /// <summary>
    /// Every file over <see cref="SpecText.MaxBytes"/>, and the one that brings them all over
    /// <see cref="SpecText.MaxRequestBytes"/>.
    /// </summary>
    private static List<SpecError> CheckSizes(IReadOnlyList<SpecFileContent> files)
    {
        var errors = new List<SpecError>();
        long total = 0;
        var totalReported = false;
        foreach (var file in files)
        {
            var size = Encoding.UTF8.GetByteCount(file.Content);
            total += size;
            if (size > SpecText.MaxBytes)
            {
                errors.Add(SpecText.TooLarge(file.FileName, size));
            }
            else if (total > SpecText.MaxRequestBytes && !totalReported)
            {
                errors.Add(SpecText.RequestTooLarge(file.FileName, total));
                totalReported = true;
            }
        }

        return errors;
    }

    /// <summary>Errors in the order of the files they are in (as given), then by line and column.</summary>
    public static IReadOnlyList<SpecError> InFileOrder(IReadOnlyList<SpecFileContent> files, IEnumerable<SpecError> errors)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            order.TryAdd(file.FileName, order.Count);
        }

        return [.. errors.OrderBy(e => order.GetValueOrDefault(e.File, int.MaxValue)).ThenBy(e => e.Line).ThenBy(e => e.Column)];
    }

    /// <summary>An error about <paramref name="path"/> of <paramref name="manifest"/>, at the line where it was written.</summary>
    internal static SpecError ErrorAt(ApplicationManifest manifest, string path, string message) =>
        manifest.Source?.ErrorAt(path, message) ?? new SpecError("(spec)", 1, 1, path, message);

    private async Task<(ArtifactScan? Scan, IReadOnlyList<string> Problems)> CheckArtifactAsync(string path, CancellationToken ct)
    {
        try
        {
            var status = PosixFiles.Stat(path);
            switch (status.Kind)
            {
                case FileKind.Directory:
                    break;
                case FileKind.Missing:
                    return (null, [PosixFiles.Lstat(path).Kind == FileKind.Symlink
                        ? $"'{path}' is a symlink to '{new FileInfo(path).LinkTarget}', which does not exist"
                        : $"directory '{path}' does not exist"]);
                case FileKind.Loop:
                    return (null, [$"'{path}' is a symlink loop: it never leads to a directory"]);
                case FileKind.RegularFile:
                    return (null, [$"'{path}' is a file, not a directory: artifact.path names the directory that holds the build output"]);
                default:
                    return (null, [$"'{path}' is {ArtifactScanner.Describe(status.Kind)}, not a directory"]);
            }

            return await ArtifactTimeout.RunAsync(t => Task.FromResult(ArtifactScanner.Scan(path, limits.MaxBytes, t)), limits.Timeout, time, ct);
        }
        catch (TimeoutException)
        {
            return (null, [$"checking directory '{path}' took longer than {DurationParser.Format(limits.Timeout)}, the limit (slipway server --artifact-timeout): is it on a slow or hung file system?"]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, [$"directory '{path}' cannot be read: {e.Message}"]);
        }
    }
}

/// <summary>
/// The outcome of <see cref="SpecValidator.ValidateAsync"/>: every document, or every error at once (file, line,
/// field, what was expected), never both.
/// </summary>
public sealed record SpecValidation(IReadOnlyList<ApplicationManifest> Manifests, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>What the scan of each artifact directory found, by path: what the server hashes and copies.</summary>
    internal IReadOnlyDictionary<string, ArtifactScan> Artifacts { get; init; } = new Dictionary<string, ArtifactScan>();

    /// <summary>The <c>kind: AnalysisTemplate</c> documents, saved with the apps.</summary>
    public IReadOnlyList<AnalysisTemplate> Templates { get; init; } = [];

    /// <summary>The <c>kind: ImagePolicy</c> documents, saved with the apps.</summary>
    public IReadOnlyList<Core.Images.ImagePolicy> Policies { get; init; } = [];
}
