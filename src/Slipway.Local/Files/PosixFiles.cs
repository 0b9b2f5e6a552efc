using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Slipway.Local.Files;

/// <summary>
/// lstat(2) and a non-blocking open(2), which .NET does not offer: <see cref="File"/> cannot tell a named pipe
/// from an empty file, and opening a named pipe blocks until a writer comes (an apply that hung for ever, a copy
/// that would never finish).
/// statx(2) is used because its buffer has the same layout on every Linux architecture, unlike struct stat.
/// </summary>
internal static partial class PosixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    // The same values on x86-64 and arm64.
    private const int OpenReadOnly = 0;
    private const int OpenNonBlocking = 0x800;
    private const int OpenCloseOnExec = 0x80000;

    private const int NoSuchFile = 2; // ENOENT
    private const int Interrupted = 4; // EINTR
    private const int PermissionDenied = 13; // EACCES
    private const int NotADirectory = 20; // ENOTDIR
    private const int TooManyLinks = 40; // ELOOP

    /// <summary>What <paramref name="path"/> itself is, a symlink not followed.</summary>
    public static FileStatus Lstat(string path) => Status(AtFdCwd, path, AtSymlinkNoFollow);

    /// <summary>What <paramref name="path"/> leads to, symlinks followed (<see cref="FileKind.Loop"/> for a loop).</summary>
    public static FileStatus Stat(string path) => Status(AtFdCwd, path, 0);

    /// <summary>
    /// Opens a regular file for reading without ever blocking: <c>O_NONBLOCK</c> makes the open of a named pipe
    /// return at once, and the file opened must be the one <paramref name="expected"/> describes (a regular file,
    /// same device and inode), so that a file swapped for a pipe or a symlink after it was checked is refused.
    /// </summary>
    /// <exception cref="IOException">The path is no longer the file that was checked, or cannot be opened.</exception>
    public static SafeFileHandle OpenChecked(string path, FileStatus expected)
    {
        int fd;
        do
        {
            fd = Open(path, OpenReadOnly | OpenNonBlocking | OpenCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        if (fd < 0)
        {
            throw Failure(path, Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var opened = Status(fd, "", AtEmptyPath);
            if (opened.Kind != FileKind.RegularFile || opened.Device != expected.Device || opened.Inode != expected.Inode)
            {
                throw new IOException($"{path} was replaced while it was being read");
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static FileStatus Status(int directory, string path, int flags)
    {
        int result;
        StatxBuffer buffer;
        do
        {
            result = Statx(directory, path, flags, StatxBasicStats, out buffer);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        if (result < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                NoSuchFile or NotADirectory => FileStatus.Missing,
                TooManyLinks => FileStatus.Loop,
                _ => throw Failure(path, errno),
            };
        }

        var kind = (buffer.Mode & 0xF000) switch
        {
            0x8000 => FileKind.RegularFile,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Symlink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
        var device = ((ulong)buffer.DeviceMajor << 32) | buffer.DeviceMinor;
        return new FileStatus(kind, (UnixFileMode)(buffer.Mode & 0xFFF), (long)buffer.Size, device, buffer.Inode);
    }

    private static Exception Failure(string path, int errno) => errno == PermissionDenied
        ? new UnauthorizedAccessException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}")
        : new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    /// <summary>struct statx (linux/stat.h): 256 bytes, the fields read here at their fixed offsets.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(136)]
        public uint DeviceMajor;

        [FieldOffset(140)]
        public uint DeviceMinor;
    }
}
