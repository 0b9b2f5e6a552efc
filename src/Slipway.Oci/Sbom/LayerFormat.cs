namespace Slipway.Oci.Sbom;

/// <summary>
/// What a layer's bytes are, from their first 512 bytes: the magic numbers of gzip, zstd, bzip2 and xz, tar's "ustar"
/// at offset 257 (or an all-zero block: an empty layer). Sniffed rather than taken from the media type, because
/// Docker's and OCI's media types are not always honest about compression (a <c>docker save</c> layer is a plain tar).
/// </summary>
internal enum LayerFormat
{
    Tar,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    Unknown,
}

internal static class LayerFormats
{
    public const int SniffLength = 512;

    public static LayerFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return LayerFormat.Gzip;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
        {
            return LayerFormat.Zstd;
        }

        if (head.StartsWith("BZh"u8))
        {
            return LayerFormat.Bzip2;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
        {
            return LayerFormat.Xz;
        }

        if (head.Length == 0 || (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8)) || (head.Length == SniffLength && !head.ContainsAnyExcept((byte)0)))
        {
            return LayerFormat.Tar;
        }

        return LayerFormat.Unknown;
    }
}
