using System.Globalization;
using Slipway.Local.Files;

namespace Slipway.Server;

/// <summary>
/// Tells whether a server runs on a data directory. A running server holds an exclusive lock (<c>flock</c>, which
/// .NET takes for <see cref="FileShare.None"/>) on <c>server.lock</c> in its data directory, and writes its pid to
/// <c>server.pid</c> beside it. The kernel drops the lock when the process ends, however it ends (even SIGKILL), so
/// the lock never goes stale the way a pid file does; the pid file only says which process holds it.
/// A second server on the same data directory is refused: two controllers would start every instance twice.
/// <c>slipway down</c> takes the same lock while it stops the data plane (writing <c>PID down</c> to the pid file), so
/// no server starts — and starts again what is being stopped — until it has finished.
/// </summary>
public sealed class ServerLock : IDisposable
{
    public const string LockFileName = "server.lock";
    public const string PidFileName = "server.pid";

    private const string DownMark = " down";

    private readonly FileStream _lock;

    private ServerLock(FileStream lockStream) => _lock = lockStream;

    /// <summary>Takes the lock for this process, for as long as the returned lock is not disposed.</summary>
    /// <exception cref="ServerRunningException">Another server, or <c>slipway down</c>, holds it.</exception>
    public static ServerLock Acquire(string dataDirectory) => Acquire(dataDirectory, down: false);

    /// <summary>Takes the lock for <c>slipway down</c>, for as long as the returned lock is not disposed.</summary>
    /// <exception cref="ServerRunningException">A server, or another <c>slipway down</c>, holds it.</exception>
    public static ServerLock AcquireForDown(string dataDirectory) => Acquire(dataDirectory, down: true);

    /// <summary>
    /// The server running on <paramref name="dataDirectory"/>, or null when none does. Creates nothing: a directory
    /// without a lock file has never had a server.
    /// </summary>
    public static RunningServer? Holder(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        try
        {
            // Taking the lock for an instant is the test: it fails exactly while a server holds it.
            using var probe = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.Open, FileAccess.Read, FileShare.None);
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
        catch (IOException)
        {
            return ReadHolder(dataDirectory);
        }
    }

    public void Dispose() => _lock.Dispose();

    private static ServerLock Acquire(string dataDirectory, bool down)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (Holder(dataDirectory) is { } holder)
        {
            throw new ServerRunningException(dataDirectory, holder);
        }

        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        AtomicFile.Write(Path.Combine(dataDirectory, PidFileName), System.Text.Encoding.ASCII.GetBytes(pid + (down ? DownMark : "") + "\n"));
        return new ServerLock(stream);
    }

    /// <summary>The pid file: <c>PID</c> for a server, <c>PID down</c> for <c>slipway down</c>.</summary>
    private static RunningServer ReadHolder(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, PidFileName)).Trim();
            var down = text.EndsWith(DownMark, StringComparison.Ordinal);
            var pid = down ? text[..^DownMark.Length] : text;
            return new RunningServer(int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null, down);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new RunningServer(null);
        }
    }
}
