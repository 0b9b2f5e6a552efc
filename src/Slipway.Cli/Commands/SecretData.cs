using Slipway.Core.Spec;

namespace Slipway.Cli.Commands;

/// <summary>
/// The keys and values of <c>secret set</c>: <c>KEY=VALUE</c> arguments, <c>--from-file KEY=PATH</c> (the file's content as
/// it is) and <c>--stdin KEY</c> (standard input, less one final line break, which <c>echo</c> and a terminal add).
/// Every problem is reported at once, and no message ever shows a value: an argument without '=' is named by its
/// position, since it may be a value typed without its key.
/// </summary>
internal static class SecretData
{
    public static (Dictionary<string, string> Data, IReadOnlyList<string> Errors) Read(
        IReadOnlyList<string> pairs, IReadOnlyList<string> fromFiles, string? stdinKey, Func<string, string> readFile, Func<string> readStdin)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(fromFiles);
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();

        void Add(string key, string source, Func<string> value)
        {
            if (SecretNames.CheckKey(key) is { } problem)
            {
                errors.Add($"{source}: key '{key}' {problem}");
            }
            else if (data.ContainsKey(key))
            {
                errors.Add($"{source}: key {key} is given twice");
            }
            else
            {
                try
                {
                    data[key] = value();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    errors.Add($"{source}: {e.Message}");
                }
            }
        }

        for (var i = 0; i < pairs.Count; i++)
        {
            var equals = pairs[i].IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // Not echoed: without its '=' it may be a value.
                errors.Add($"argument {i + 1} after the secret's name is not KEY=VALUE ({(equals == 0 ? "it has no key before '='" : "it has no '='")})");
                continue;
            }

            var pair = pairs[i];
            Add(pair[..equals], $"argument {i + 1}", () => pair[(equals + 1)..]);
        }

        foreach (var spec in fromFiles)
        {
            var equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == spec.Length - 1)
            {
                errors.Add($"--from-file '{spec}': expected KEY=PATH");
                continue;
            }

            var path = spec[(equals + 1)..];
            Add(spec[..equals], $"--from-file {spec[..equals]}", () => readFile(path));
        }

        if (stdinKey is not null)
        {
            Add(stdinKey, "--stdin", () => TrimFinalLineBreak(readStdin()));
        }

        if (errors.Count == 0 && data.Count == 0)
        {
            errors.Add("no keys to set: give KEY=VALUE, --from-file KEY=PATH or --stdin KEY");
        }

        return (data, errors);
    }

    private static string TrimFinalLineBreak(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
}
