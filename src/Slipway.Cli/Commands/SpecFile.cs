using System.CommandLine;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary>
/// Spec files as <c>validate</c>, <c>apply</c> and <c>diff</c> take them, as kubectl users type them: <c>-f FILE</c>,
/// <c>-f DIR</c> (every <c>*.yaml</c> and <c>*.yml</c> file in it, <c>-R</c> for subdirectories too), <c>-f -</c>
/// (standard input), and <c>-f</c> repeated. Everything given is sent as one request: one unit, all or nothing.
/// </summary>
internal static class SpecFile
{
    /// <summary>How errors name standard input.</summary>
    public const string StandardInputName = "<stdin>";

    public static Option<string[]> FileOption() => new("--file", "-f")
    {
        Description = "Spec file (YAML); a directory: every *.yaml and *.yml file in it; -: standard input. Repeatable; everything given is one unit, all or nothing",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<bool> RecursiveOption() => new("--recursive", "-R")
    {
        Description = "With -f DIR: the files in its subdirectories too",
    };

    /// <summary>
    /// <c>-e</c> when given on the command line: documents without an environment deploy there, and one that names
    /// another is refused. Its default (dev) is not a request: documents keep their own environment.
    /// </summary>
    public static string? RequestedEnvironment(ParseResult result, GlobalOptions globals) =>
        result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;

    /// <summary>
    /// Reads every file the command line names as the server will see them, refusing before anything is sent a file
    /// over the size limit, files over the limit together (either would otherwise break the connection mid-upload),
    /// or bytes that are not UTF-8 (they would be silently replaced) — every such error of every file at once.
    /// </summary>
    /// <exception cref="CliException">A path that cannot be read, a directory without spec files, a file given twice.</exception>
    public static async Task<SpecInput> ReadAsync(ParseResult result, Option<string[]> file, Option<bool> recursive, GlobalOptions globals, CancellationToken ct)
    {
        var files = new List<SpecFileContent>();
        var errors = new List<SpecError>();
        long total = 0;
        var totalReported = false;
        foreach (var (name, path) in Expand(result.GetValue(file)!, result.GetValue(recursive)))
        {
            var (bytes, size) = path is null ? await ReadStandardInputAsync(ct) : await ReadFileAsync(name, path, ct);
            if (bytes is null)
            {
                errors.Add(SpecText.TooLarge(name, size));
                continue;
            }

            if (!SpecText.TryDecode(bytes, name, out var text, out var decodeError))
            {
                errors.Add(decodeError);
                continue;
            }

            total += bytes.Length;
            if (total > SpecText.MaxRequestBytes && !totalReported)
            {
                errors.Add(SpecText.RequestTooLarge(name, total));
                totalReported = true;
            }

            var baseDirectory = path is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(path))!;
            files.Add(new SpecFileContent(name, text, baseDirectory));
        }

        return errors.Count > 0 ? new SpecInput(null, errors) : new SpecInput(ApplyRequest.Of(files, RequestedEnvironment(result, globals)), []);
    }

    /// <summary>
    /// The preflight warnings of an apply, dry run or diff answer (<c>warnings</c>), one a line on stderr, as compilers
    /// print them: <c>web.yaml:9:3: spec.probes.readiness: warning: web/dev: …</c>. Stdout stays what scripts read.
    /// </summary>
    public static void PrintWarnings(System.Text.Json.Nodes.JsonNode? answer)
    {
        foreach (var warning in answer?["warnings"]?.AsArray() ?? [])
        {
            Console.Error.WriteLine(System.Text.Json.JsonSerializer.Deserialize<ApplyWarning>(warning, Core.Serialization.SlipwayJson.Options));
        }
    }

    public static void PrintErrors(IReadOnlyCollection<SpecError> errors, string closing)
    {
        foreach (var e in errors)
        {
            Console.Error.WriteLine(e);
        }

        Console.Error.WriteLine($"{errors.Count} error(s); {closing}");
    }

    /// <summary>Every file named, in order: a directory's files sorted by path; standard input with a null path.</summary>
    private static List<(string Name, string? Path)> Expand(IReadOnlyList<string> inputs, bool recursive)
    {
        var files = new List<(string Name, string? Path)>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal); // full path → the -f that named it
        foreach (var input in inputs)
        {
            if (input == "-")
            {
                if (files.Any(f => f.Path is null))
                {
                    throw new CliException("-f - (standard input) is given twice: it can be read once", 2);
                }

                files.Add((StandardInputName, null));
                continue;
            }

            IEnumerable<string> found = Directory.Exists(input) ? SpecFilesIn(input, recursive) : [input];
            foreach (var path in found)
            {
                var full = Path.GetFullPath(path);
                if (!seen.TryAdd(full, input))
                {
                    throw new CliException(seen[full] == input ? $"{path} is given twice" : $"{path} is given twice (by -f {seen[full]} and -f {input})", 2);
                }

                files.Add((path, path));
            }
        }

        return files;
    }

    /// <summary>
    /// The <c>*.yaml</c> and <c>*.yml</c> files of <paramref name="directory"/>, sorted by path (ordinal), named as
    /// <c>directory/name</c>. Names starting with a dot are skipped; with <paramref name="recursive"/>, subdirectories
    /// are searched too, but not through symlinks (which could loop).
    /// </summary>
    private static List<string> SpecFilesIn(string directory, bool recursive)
    {
        var found = new List<string>();
        void Visit(string path)
        {
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(path).EnumerateFileSystemInfos()];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"{path}: cannot read the directory: {e.Message}", 1);
            }

            foreach (var entry in entries.Where(e => !e.Name.StartsWith('.')))
            {
                var name = Path.Join(path, entry.Name);
                if (entry is DirectoryInfo subdirectory)
                {
                    if (recursive && subdirectory.LinkTarget is null)
                    {
                        Visit(name);
                    }
                }
                else if (entry.Name.EndsWith(".yaml", StringComparison.Ordinal) || entry.Name.EndsWith(".yml", StringComparison.Ordinal))
                {
                    found.Add(name);
                }
            }
        }

        Visit(directory);
        if (found.Count == 0)
        {
            throw new CliException(recursive
                ? $"{directory}: no *.yaml or *.yml file in this directory or below it"
                : $"{directory}: no *.yaml or *.yml file in this directory (-R looks in its subdirectories too)", 1);
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>The file's bytes; null bytes and the size when it is over the limit (checked before it is read, and after).</summary>
    private static async Task<(byte[]? Bytes, long Size)> ReadFileAsync(string name, string path, CancellationToken ct)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > SpecText.MaxBytes)
            {
                return (null, length);
            }

            var bytes = await File.ReadAllBytesAsync(path, ct);
            return bytes.Length > SpecText.MaxBytes ? (null, bytes.Length) : (bytes, bytes.Length); // it may have grown meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{name}: cannot read: {e.Message}", 1);
        }
    }

    /// <summary>
    /// Standard input to its end, keeping at most <see cref="SpecText.MaxBytes"/> (what is beyond is counted, for the
    /// error). A terminal is refused: <c>-f -</c> is for a pipe or a redirected file, not for typing a spec.
    /// </summary>
    private static async Task<(byte[]? Bytes, long Size)> ReadStandardInputAsync(CancellationToken ct)
    {
        if (!Console.IsInputRedirected)
        {
            throw new CliException("-f - reads the spec from standard input, which is a terminal here: pipe or redirect a file into it (slipway apply -f - < web.yaml)", 2);
        }

        await using var stdin = Console.OpenStandardInput();
        using var kept = new MemoryStream();
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await stdin.ReadAsync(buffer, ct)) > 0)
        {
            size += read;
            if (size <= SpecText.MaxBytes)
            {
                kept.Write(buffer, 0, read);
            }
        }

        return size > SpecText.MaxBytes ? (null, size) : (kept.ToArray(), size);
    }
}

/// <summary>The files read for a request: the request, or every error that stopped it before it was sent.</summary>
internal sealed record SpecInput(ApplyRequest? Request, IReadOnlyList<SpecError> Errors);
