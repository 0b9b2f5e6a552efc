using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Slipway.Local.Files;

namespace Slipway.Server.Apply;

/// <summary>
/// The content digest of a directory artifact, <c>sha256:…</c> — the shape an OCI image digest will have — over
/// everything that changes what runs: every entry's relative path in ordinal order and its kind; a file's bytes
/// and whether it is executable; a symlink's target; empty directories too. So a code change, a <c>chmod +x</c>
/// or a re-pointed symlink in the same directory is a new revision.
/// </summary>
/// <remarks>
/// Per entry: a kind byte (<c>d</c>, <c>f</c>, <c>l</c>), the path and a NUL; then for a file an executable
/// byte, its length (8 bytes, big-endian) and its bytes; for a symlink its target and a NUL. Paths and targets
/// cannot hold a NUL and files are length-prefixed, so no content can pass for an entry boundary.
/// </remarks>
internal sealed class ArtifactDigest : IDisposable
{
    private const int BufferSize = 128 * 1024;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Scans <paramref name="directory"/> and digests it (no size limit).</summary>
    /// <exception cref="IOException">The directory holds something an artifact may not (see <see cref="ArtifactScanner"/>).</exception>
    public static async Task<string> ComputeAsync(string directory, CancellationToken ct)
    {
        var (scan, problems) = ArtifactScanner.Scan(directory, maxBytes: null, ct);
        return problems.Count > 0 ? throw new IOException(string.Join("; ", problems)) : await ComputeAsync(scan, ct);
    }

    /// <summary>Digests what <paramref name="scan"/> found, reading each file once.</summary>
    /// <exception cref="ArtifactChangedException">A file changed since the scan.</exception>
    public static async Task<string> ComputeAsync(ArtifactScan scan, CancellationToken ct)
    {
        using var digest = new ArtifactDigest();
        foreach (var entry in scan.Entries)
        {
            await digest.AddAsync(scan.Root, entry, copyTo: null, ct);
        }

        return digest.Finish();
    }

    /// <summary>
    /// Adds one entry; a file's bytes are read through a checked, non-blocking open (see
    /// <see cref="PosixFiles.OpenChecked"/>) and, with <paramref name="copyTo"/>, written there as they are hashed.
    /// </summary>
    public async Task AddAsync(string root, ArtifactEntry entry, Stream? copyTo, CancellationToken ct)
    {
        switch (entry.Kind)
        {
            case FileKind.Directory:
                Header('d', entry.Path);
                break;
            case FileKind.Symlink:
                Header('l', entry.Path);
                _hash.AppendData(Encoding.UTF8.GetBytes(entry.LinkTarget!));
                _hash.AppendData([0]);
                break;
            case FileKind.RegularFile:
                Header('f', entry.Path);
                var fixedPart = new byte[9];
                fixedPart[0] = entry.Executable ? (byte)1 : (byte)0;
                BinaryPrimitives.WriteInt64BigEndian(fixedPart.AsSpan(1), entry.Size);
                _hash.AppendData(fixedPart);
                await ReadFileAsync(Path.Combine(root, entry.Path), entry, copyTo, ct);
                break;
            default:
                throw new ArgumentException($"{entry.Path} is {ArtifactScanner.Describe(entry.Kind)}", nameof(entry));
        }
    }

    public string Finish() => "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private void Header(char kind, string path)
    {
        _hash.AppendData([(byte)kind]);
        _hash.AppendData(Encoding.UTF8.GetBytes(path));
        _hash.AppendData([0]);
    }

    /// <summary>Reads exactly the size the scan saw; a file that shrank or grew meanwhile is refused, not half read.</summary>
    private async Task ReadFileAsync(string path, ArtifactEntry entry, Stream? copyTo, CancellationToken ct)
    {
        using var handle = PosixFiles.OpenChecked(path, entry.Status);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            while (true)
            {
                // One byte beyond the expected end, to notice a file that grew.
                var wanted = (int)Math.Min(buffer.Length, entry.Size - offset + 1);
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, wanted), offset, ct);
                if (read == 0)
                {
                    break;
                }

                offset += read;
                if (offset > entry.Size)
                {
                    break;
                }

                _hash.AppendData(buffer, 0, read);
                if (copyTo is not null)
                {
                    await copyTo.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            if (offset != entry.Size)
            {
                throw new ArtifactChangedException($"{path} changed while it was being read");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
