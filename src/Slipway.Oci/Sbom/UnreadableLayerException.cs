namespace Slipway.Oci.Sbom;

/// <summary>
/// A layer Slipway cannot read: compressed with something other than gzip (zstd, bzip2, xz), or not a tar at all.
/// The message names the layer (position and digest) and the format found, and what would be readable.
/// </summary>
public sealed class UnreadableLayerException(string message, Exception? inner = null) : Exception(message, inner);
