using System.CommandLine;
using Slipway.Core.Spec;
using Slipway.Server.Apply;

namespace Slipway.Cli.Commands;

/// <summary>Spec files as <c>validate</c> and <c>apply</c> read them.</summary>
internal static class SpecFile
{
    public static Option<string> FileOption() => new("--file", "-f") { Description = "Spec file (YAML)", Required = true };

    /// <summary>
    /// <c>-e</c> when given on the command line: documents without an environment deploy there, and one that names
    /// another is refused. Its default (dev) is not a request: documents keep their own environment.
    /// </summary>
    public static string? RequestedEnvironment(ParseResult result, GlobalOptions globals) =>
        result.GetResult(globals.Environment) is { Implicit: false } ? result.GetValue(globals.Environment) : null;

    /// <summary>
    /// Reads the file as the server will see it, refusing before anything is sent a file over the size limit (it would
    /// otherwise break the connection mid-upload) or bytes that are not UTF-8 (they would be silently replaced).
    /// </summary>
    public static bool TryRead(string path, string? environment, out ApplyRequest request, out SpecError error)
    {
        request = null!;
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > SpecText.MaxBytes)
            {
                error = SpecText.TooLarge(path, length);
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{path}: cannot read: {e.Message}", 1);
        }

        if (bytes.Length > SpecText.MaxBytes)
        {
            error = SpecText.TooLarge(path, bytes.Length); // it grew meanwhile
            return false;
        }

        if (!SpecText.TryDecode(bytes, path, out var text, out var decodeError))
        {
            error = decodeError;
            return false;
        }

        request = new ApplyRequest(path, text, BaseDirectory(path), environment);
        error = null!;
        return true;
    }

    private static string BaseDirectory(string path) => Path.GetDirectoryName(Path.GetFullPath(path))!;

    public static void PrintErrors(IReadOnlyCollection<SpecError> errors, string closing)
    {
        foreach (var e in errors)
        {
            Console.Error.WriteLine(e);
        }

        Console.Error.WriteLine($"{errors.Count} error(s); {closing}");
    }
}
