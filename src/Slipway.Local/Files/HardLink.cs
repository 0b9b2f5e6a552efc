using System.Runtime.InteropServices;

namespace Slipway.Local.Files;

/// <summary>
/// link(2): gives a file a second name, failing if that name exists. Unlike a rename, which replaces its target, it
/// lets several processes race to put a file in place and have exactly one win. .NET has no API for it.
/// </summary>
internal static partial class HardLink
{
    private const int EEXIST = 17;

    /// <summary>Links <paramref name="existing"/> as <paramref name="path"/>; false when <paramref name="path"/> already exists.</summary>
    /// <exception cref="IOException">Any other failure, with the system's reason.</exception>
    public static bool TryCreate(string existing, string path)
    {
        if (Link(existing, path) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == EEXIST
            ? false
            : throw new IOException($"cannot link {existing} as {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string path);
}
