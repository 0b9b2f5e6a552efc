namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// Finds a job's executable before it starts, as a shell's <c>exec</c> would: a name with a <c>/</c> is a path
/// (relative to the job's working directory), any other name is looked up in <c>PATH</c>. Done here, not left to the
/// process, so that a missing command is an error of the measurement and not an exit code 127 that a condition such
/// as <c>result != 0</c> would read as a failing test.
/// </summary>
internal static class CommandPath
{
    /// <summary>The executable's full path, or null and why.</summary>
    public static string? Resolve(string command, string workingDirectory, string? path, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(command))
        {
            error = "the job has no command";
            return null;
        }

        if (command.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(command, workingDirectory);
            if (IsExecutable(full))
            {
                return full;
            }

            error = File.Exists(full)
                ? $"the job's command {command} is not executable (chmod +x it)"
                : $"the job's command {command} does not exist (looked for {full})";
            return null;
        }

        foreach (var directory in (path ?? "").Split(':'))
        {
            // An empty entry in PATH means the current directory, as in sh.
            var candidate = Path.Combine(directory.Length == 0 ? workingDirectory : Path.GetFullPath(directory, workingDirectory), command);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        error = $"the job's command {command} was not found in any directory of PATH";
        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
