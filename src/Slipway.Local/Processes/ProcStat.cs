using System.Globalization;

namespace Slipway.Local.Processes;

/// <summary>
/// What /proc/&lt;pid&gt;/stat says about a process. Adopted instances are not our children, so
/// /proc is the only way to know whether they live; the start time (field 22, clock ticks since
/// boot) tells a process from a later one that reused its pid.
/// </summary>
internal sealed record ProcStat(int Pid, char State, int ProcessGroupId, int SessionId, ulong StartTime)
{
    /// <summary>A zombie has exited and only waits for its parent to reap it: it serves nothing.</summary>
    public bool IsAlive => State is not ('Z' or 'X' or 'x');

    public static ProcStat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(text);
    }

    /// <summary>Parses a stat line; the command name (field 2) may hold spaces and parentheses, so fields are counted after its last ')'.</summary>
    public static ProcStat? Parse(string text)
    {
        var close = text.LastIndexOf(')');
        var open = text.IndexOf('(', StringComparison.Ordinal);
        if (close < 0 || open < 0 || !int.TryParse(text.AsSpan(0, open).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        // After ')': field 3 (state) is rest[0], so field N is rest[N - 3].
        var rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 20
            || !int.TryParse(rest[2], CultureInfo.InvariantCulture, out var pgrp)
            || !int.TryParse(rest[3], CultureInfo.InvariantCulture, out var session)
            || !ulong.TryParse(rest[19], CultureInfo.InvariantCulture, out var startTime))
        {
            return null;
        }

        return new ProcStat(pid, rest[0][0], pgrp, session, startTime);
    }

    /// <summary>The live processes of a process group (zombies excluded).</summary>
    public static IReadOnlyList<ProcStat> GroupMembers(int processGroupId)
    {
        var members = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { IsAlive: true } stat
                && stat.ProcessGroupId == processGroupId)
            {
                members.Add(stat);
            }
        }

        return members;
    }
}
