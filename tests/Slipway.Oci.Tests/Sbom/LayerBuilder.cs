using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

/// <summary>Builds an OCI layer in memory with System.Formats.Tar, as a builder would: files, directories, symlinks,
/// hard links and whiteouts, plain or gzip-compressed; <see cref="Source"/> hands it over as a blob stream.</summary>
internal sealed class LayerBuilder
{
    private readonly List<Action<TarWriter>> _entries = [];

    public LayerBuilder File(string path, string content) => Add(w =>
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        w.WriteEntry(entry);
    });

    public LayerBuilder Directory(string path) => Add(w => w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, path.TrimEnd('/') + "/")));

    public LayerBuilder Symlink(string path, string target) => Add(w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = target }));

    public LayerBuilder HardLink(string path, string target) => Add(w => w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, path) { LinkName = target }));

    /// <summary>Removes <paramref name="path"/> (and what is under it) of the layers below.</summary>
    public LayerBuilder Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..], "");
    }

    /// <summary>Empties <paramref name="directory"/> of what the layers below put there.</summary>
    public LayerBuilder Opaque(string directory) => File(directory.TrimEnd('/') + "/.wh..wh..opq", "");

    public byte[] Tar()
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                entry(writer);
            }
        }

        return buffer.ToArray();
    }

    public byte[] TarGzip()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Tar());
        }

        return buffer.ToArray();
    }

    public LayerSource Source(bool gzip = true, string? mediaType = null) => Blob(gzip ? TarGzip() : Tar(), mediaType);

    /// <summary>A layer source over bytes, through a stream that cannot seek, as a registry's response body.</summary>
    public static LayerSource Blob(byte[] bytes, string? mediaType = null) =>
        new(Digest.Sha256(bytes), mediaType, _ => Task.FromResult<Stream>(new ForwardOnlyStream(new MemoryStream(bytes))));

    private LayerBuilder Add(Action<TarWriter> entry)
    {
        _entries.Add(entry);
        return this;
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
