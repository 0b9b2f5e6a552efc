using System.Globalization;
using System.Text;

namespace Slipway.Local.Processes;

/// <summary>
/// Finds processes by their environment (/proc/&lt;pid&gt;/environ). Every instance process carries its
/// <c>SLIPWAY_INSTANCE</c> and <c>PORT</c>, and so does everything it starts, which finds an instance's processes
/// when its recorded pid is missing or stale.
/// </summary>
internal static class ProcEnvironment
{
    /// <summary>
    /// Live processes other than this one whose environment holds every one of <paramref name="variables"/> with
    /// exactly that value. Processes whose environment cannot be read (another user's) are skipped.
    /// </summary>
    public static IReadOnlyList<int> FindProcesses(IReadOnlyDictionary<string, string> variables)
    {
        var needles = variables.Select(v => Encoding.UTF8.GetBytes($"{v.Key}={v.Value}\0")).ToList();
        return Environments()
            .Where(p => needles.All(needle => HoldsEntry(p.Environ, needle)) && ProcStat.Read(p.Pid) is { IsAlive: true })
            .Select(p => p.Pid)
            .ToList();
    }

    /// <summary>
    /// In one pass over /proc: the live processes other than this one whose variable <paramref name="name"/> holds one
    /// of <paramref name="values"/>, by value. One pass for a thousand instances rather than a thousand passes.
    /// </summary>
    public static IReadOnlyDictionary<string, List<int>> FindProcessesByValue(string name, IReadOnlySet<string> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        var found = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (values.Count == 0)
        {
            return found;
        }

        var prefix = Encoding.UTF8.GetBytes(name + "=");
        foreach (var (pid, environ) in Environments())
        {
            if (ValueOf(environ, prefix) is { } value && values.Contains(value) && ProcStat.Read(pid) is { IsAlive: true })
            {
                if (!found.TryGetValue(value, out var pids))
                {
                    found.Add(value, pids = []);
                }

                pids.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Every process but this one whose environment can be read (not another user's), with its environment.</summary>
    private static IEnumerable<(int Pid, byte[] Environ)> Environments()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            byte[] environ;
            try
            {
                environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            yield return (pid, environ);
        }
    }

    /// <summary>The value of the entry starting with <paramref name="prefix"/> (<c>NAME=</c>) among the NUL-separated entries of <paramref name="environ"/>.</summary>
    public static string? ValueOf(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> prefix)
    {
        while (!environ.IsEmpty)
        {
            var end = environ.IndexOf((byte)0);
            var entry = end < 0 ? environ : environ[..end];
            if (entry.StartsWith(prefix))
            {
                return Encoding.UTF8.GetString(entry[prefix.Length..]);
            }

            environ = end < 0 ? [] : environ[(end + 1)..];
        }

        return null;
    }

    /// <summary>Whether <paramref name="entry"/> (<c>NAME=value\0</c>) is one of the NUL-separated entries of <paramref name="environ"/>.</summary>
    public static bool HoldsEntry(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> entry)
    {
        var offset = 0;
        while (offset < environ.Length)
        {
            var index = environ[offset..].IndexOf(entry);
            if (index < 0)
            {
                return false;
            }

            var at = offset + index;
            if (at == 0 || environ[at - 1] == 0)
            {
                return true;
            }

            offset = at + 1;
        }

        return false;
    }
}
