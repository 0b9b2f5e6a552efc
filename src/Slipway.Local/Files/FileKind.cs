namespace Slipway.Local.Files;

/// <summary>What a path is, as lstat(2) or stat(2) says, including the answers that are not a file at all.</summary>
internal enum FileKind
{
    /// <summary>Nothing there (ENOENT, or a path through something that is not a directory).</summary>
    Missing,

    /// <summary>Following it meets too many symlinks (ELOOP): a symlink loop.</summary>
    Loop,
    RegularFile,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
    Other,
}
