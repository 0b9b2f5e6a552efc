using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Slipway.Server.Apply;

/// <summary>
/// The content digest of a directory artifact (<c>sha256:…</c> over every file's relative path and
/// bytes, in ordinal order), so that a code change in the same directory is a new revision, and so
/// that the reference has the shape an OCI image digest will have.
/// </summary>
internal static class ArtifactDigest
{
    public static async Task<string> ComputeAsync(string directory, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        var buffer = new byte[81920];
        foreach (var relative in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative));
            hash.AppendData([0]);
            await using var stream = File.OpenRead(Path.Combine(directory, relative));

            // Length-prefixed, so no content can pass for a file boundary.
            var length = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(length, stream.Length);
            hash.AppendData(length);
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
