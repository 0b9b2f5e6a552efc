using System.Globalization;

namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>What runs on this machine, read from /proc: the processes that belong to a data directory.</summary>
internal static class ProcessTable
{
    /// <summary>
    /// Live processes whose command line names <paramref name="dataDirectory"/> (the router: its
    /// table and access log are there) or whose working directory is inside it (instances run from
    /// its artifact store), with their command lines.
    /// </summary>
    public static IReadOnlyList<(int Pid, string CommandLine)> Using(string dataDirectory)
    {
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "stat")).Split(") ")[^1].StartsWith('Z'))
                {
                    continue; // exited, waiting to be reaped
                }

                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                var cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget ?? "";
                if (commandLine.Contains(dataDirectory, StringComparison.Ordinal) || cwd.StartsWith(dataDirectory, StringComparison.Ordinal))
                {
                    found.Add((pid, commandLine));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile, or not ours to read
            }
        }

        return found;
    }

    public static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
