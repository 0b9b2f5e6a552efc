using System.Formats.Tar;
using System.Net;
using System.Net.Http.Headers;

namespace Slipway.Docker.Build;

/// <summary>
/// A build context as the engine takes it: the directory as a tar stream, written straight onto the request (no copy
/// in memory or on disk), files in a stable order with owner 0:0 as the Docker CLI sends them, so the engine's build
/// cache hits whenever the files did not change. What .dockerignore excludes is not sent. A Dockerfile outside the
/// directory, or one with an instruction appended (the build's labels), is sent as a copy under a name of its own.
/// </summary>
internal sealed class BuildContext
{
    /// <summary>The name Slipway's copy of the Dockerfile gets inside the context.</summary>
    public const string CopiedDockerfileName = ".slipway.Dockerfile";

    private readonly string _directory;
    private readonly DockerIgnore _ignore;
    private readonly (byte[] Content, DateTime Modified)? _copiedDockerfile;

    private BuildContext(string directory, string dockerfileName, DockerIgnore ignore, (byte[], DateTime)? copiedDockerfile)
    {
        _directory = directory;
        DockerfileName = dockerfileName;
        _ignore = ignore;
        _copiedDockerfile = copiedDockerfile;
    }

    /// <summary>The Dockerfile's path inside the tar stream.</summary>
    public string DockerfileName { get; }

    /// <param name="appendedInstruction">A line added at the Dockerfile's end (it then applies to the last stage).</param>
    public static BuildContext Create(string contextDirectory, string dockerfilePath, string? appendedInstruction = null)
    {
        var directory = Path.GetFullPath(contextDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the build context {directory} is not a directory");
        }

        var dockerfile = Path.GetFullPath(dockerfilePath);
        if (!File.Exists(dockerfile))
        {
            throw new FileNotFoundException($"the Dockerfile {dockerfile} does not exist", dockerfile);
        }

        var relative = Path.GetRelativePath(directory, dockerfile);
        var inside = !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative);
        var original = inside ? relative.Replace(Path.DirectorySeparatorChar, '/') : null;
        (byte[], DateTime)? copy = null;
        if (!inside || appendedInstruction is not null)
        {
            var text = File.ReadAllText(dockerfile);
            if (appendedInstruction is not null)
            {
                text += (text.EndsWith('\n') || text.Length == 0 ? "" : "\n") + appendedInstruction + "\n";
            }

            copy = (System.Text.Encoding.UTF8.GetBytes(text), File.GetLastWriteTimeUtc(dockerfile));
        }

        var ignoreFile = Path.Combine(directory, ".dockerignore");
        string[] kept = original is null ? [".dockerignore"] : [original, ".dockerignore"];
        var ignore = File.Exists(ignoreFile) ? DockerIgnore.Parse(File.ReadAllText(ignoreFile), kept) : DockerIgnore.None;
        return new BuildContext(directory, copy is null ? original! : CopiedDockerfileName, ignore, copy);
    }

    /// <summary>The paths the stream holds, in order ('/'-separated, directories with a trailing '/').</summary>
    public IEnumerable<string> Entries() => Walk(_directory, "").Select(entry => entry.Name)
        .Concat(_copiedDockerfile is null ? [] : [CopiedDockerfileName]);

    public HttpContent Content() => new TarContent(this);

    private IEnumerable<(string Name, FileSystemInfo Info)> Walk(string directory, string prefix)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var path = prefix + entry.Name;
            var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
            if (_ignore.Excludes(path))
            {
                // Something below may be re-included by a '!' line: then the directory must still be looked into.
                if (isDirectory && _ignore.HasExceptions)
                {
                    foreach (var below in Walk(entry.FullName, path + "/"))
                    {
                        yield return below;
                    }
                }

                continue;
            }

            if (isDirectory)
            {
                yield return (path + "/", entry);
                foreach (var below in Walk(entry.FullName, path + "/"))
                {
                    yield return below;
                }
            }
            else if (entry.LinkTarget is not null || entry is FileInfo && RegularFiles.IsRegular(entry.FullName))
            {
                // Named pipes, sockets and devices stay out: nothing in an image is built from them, and reading a
                // pipe would wait for a writer.
                yield return (path, entry);
            }
        }
    }

    private async Task WriteAsync(Stream stream, CancellationToken ct)
    {
        await using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (name, info) in Walk(_directory, ""))
        {
            await WriteEntryAsync(writer, name, info, ct).ConfigureAwait(false);
        }

        if (_copiedDockerfile is var (content, modified))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, CopiedDockerfileName)
            {
                Mode = DefaultMode(TarEntryType.RegularFile),
                ModificationTime = modified,
                DataStream = new MemoryStream(content),
            };
            await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
        }
    }

    private static async Task WriteEntryAsync(TarWriter writer, string name, FileSystemInfo info, CancellationToken ct)
    {
        var type = info.LinkTarget is not null ? TarEntryType.SymbolicLink
            : info is DirectoryInfo ? TarEntryType.Directory
            : TarEntryType.RegularFile;
        var entry = new PaxTarEntry(type, name)
        {
            // The mode of the entry itself (a symbolic link's own, never its target's).
            Mode = OperatingSystem.IsWindows() ? DefaultMode(type) : info.UnixFileMode,
            ModificationTime = info.LastWriteTimeUtc,
            Uid = 0,
            Gid = 0,
        };
        if (type == TarEntryType.SymbolicLink)
        {
            entry.LinkName = info.LinkTarget!;
            await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
            return;
        }

        if (type == TarEntryType.RegularFile)
        {
            var file = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                entry.DataStream = file;
                await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
            }

            return;
        }

        await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
    }

    private static UnixFileMode DefaultMode(TarEntryType type) => type == TarEntryType.RegularFile
        ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead
        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The tar stream as a request body of unknown length (sent chunked), written as the request goes out.</summary>
    private sealed class TarContent : HttpContent
    {
        private readonly BuildContext _context;

        public TarContent(BuildContext context)
        {
            _context = context;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _context.WriteAsync(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _context.WriteAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
