namespace Slipway.Local.Files;

/// <summary>What a path is, with the identity of the file (device and inode) to tell if it was swapped later.</summary>
internal readonly record struct FileStatus(FileKind Kind, UnixFileMode Mode, long Size, ulong Device, ulong Inode)
{
    public static readonly FileStatus Missing = new(FileKind.Missing, 0, 0, 0, 0);

    public static readonly FileStatus Loop = new(FileKind.Loop, 0, 0, 0, 0);
}
