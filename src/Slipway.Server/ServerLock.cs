using System.Globalization;
using Slipway.Local.Files;

namespace Slipway.Server;

/// <summary>
/// Tells whether a server runs on a data directory. A running server holds an exclusive lock (<c>flock</c>, which
/// .NET takes for <see cref="FileShare.None"/>) on <c>server.lock</c> in its data directory, and writes its pid to
/// <c>server.pid</c> beside it. The kernel drops the lock when the process ends, however it ends (even SIGKILL), so
/// the lock never goes stale the way a pid file does; the pid file only says which process holds it.
/// A second server on the same data directory is refused: two controllers would start every instance twice.
/// </summary>
public sealed class ServerLock : IDisposable
{
    public const string LockFileName = "server.lock";
    public const string PidFileName = "server.pid";

    private readonly FileStream _lock;

    private ServerLock(FileStream lockStream) => _lock = lockStream;

    /// <summary>Takes the lock for this process, for as long as the returned lock is not disposed.</summary>
    /// <exception cref="ServerRunningException">Another server holds it.</exception>
    public static ServerLock Acquire(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(dataDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (Holder(dataDirectory) is { } holder)
        {
            throw new ServerRunningException(dataDirectory, holder.Pid);
        }

        AtomicFile.Write(Path.Combine(dataDirectory, PidFileName), System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
        return new ServerLock(stream);
    }

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
            return new RunningServer(ReadPid(dataDirectory));
        }
    }

    public void Dispose() => _lock.Dispose();

    private static int? ReadPid(string dataDirectory)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(dataDirectory, PidFileName)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
