using System.Diagnostics;
using System.Net.Sockets;

namespace Slipway.Server.Tests.Support;

/// <summary>Named pipes and sockets, as a build or a stray process can leave them in an output directory.</summary>
internal static class SpecialFiles
{
    public static string Fifo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>
    /// Releases whatever is blocked opening or reading <paramref name="fifo"/>: opening it read-write never blocks
    /// on Linux and counts as a writer; closing it then gives the reader end-of-file.
    /// </summary>
    public static void Release(string fifo)
    {
        if (File.Exists(fifo))
        {
            using var _ = new FileStream(fifo, FileMode.Open, FileAccess.ReadWrite);
        }
    }

    /// <summary>A listening socket bound at <paramref name="path"/>; disposing it removes the file.</summary>
    public static Socket Socket(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }
}
