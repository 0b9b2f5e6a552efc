using System.Runtime.InteropServices;

namespace Slipway.Docker.Build;

/// <summary>
/// Whether a path is a regular file, as lstat(2) says: .NET cannot tell a named pipe or a socket from an empty file, and
/// opening a named pipe to read it blocks until a writer comes (a build that would never start). statx(2), because its
/// buffer has the same layout on every Linux architecture (as in Slipway.Local's PosixFiles).
/// </summary>
internal static partial class RegularFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int Interrupted = 4; // EINTR

    /// <summary>True for a regular file; false for a pipe, socket or device, or when it cannot be told (not Linux).</summary>
    public static bool IsRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        int result;
        StatxBuffer buffer;
        do
        {
            result = Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, out buffer);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        // A file gone since the directory was listed is not sent either.
        return result == 0 && (buffer.Mode & 0xF000) == 0x8000;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>struct statx (linux/stat.h): 256 bytes; only the mode is read.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;
    }
}
