using System.Globalization;
using System.Text;

namespace Slipway.Local.Processes;

/// <summary>
/// Reads the arguments a process was started with (/proc/&lt;pid&gt;/cmdline). A process whose pid was never recorded
/// — its starter was killed between starting it and writing its pid file — is still found by what it was told to
/// do, such as the router serving one data directory's table.
/// </summary>
internal static class ProcCommandLine
{
    /// <summary>The arguments of <paramref name="pid"/>, the program first; null when it is gone or not readable.</summary>
    public static IReadOnlyList<string>? Read(int pid)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (bytes.Length == 0)
        {
            return null; // a zombie, or a kernel thread
        }

        var text = Encoding.UTF8.GetString(bytes);
        return text.TrimEnd('\0').Split('\0');
    }

    /// <summary>Live processes other than this one whose arguments satisfy <paramref name="match"/>.</summary>
    public static IReadOnlyList<int> FindProcesses(Func<IReadOnlyList<string>, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId
                && Read(pid) is { } args
                && match(args)
                && ProcStat.Read(pid) is { IsAlive: true })
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="args"/> holds <paramref name="option"/> followed by one of <paramref name="values"/>.</summary>
    public static bool HasOption(IReadOnlyList<string> args, string option, params ReadOnlySpan<string> values)
    {
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == option)
            {
                foreach (var value in values)
                {
                    if (args[i + 1] == value)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }
}
