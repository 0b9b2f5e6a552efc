using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Slipway.Oci.Tests.Support;

namespace Slipway.Server.Tests.Supply.Support;

/// <summary>
/// A test image (<see cref="TestImage"/>) whose top layer is a Debian 12 package database: <c>/etc/os-release</c> and
/// <c>/var/lib/dpkg/status</c> listing libssl3 3.0.11-1~deb12u2 (source openssl) and tar, as dpkg writes them; below it,
/// a layer of random bytes, as a real image's base.
/// </summary>
internal static class DebianImage
{
    public const string LibsslVersion = "3.0.11-1~deb12u2";

    private const string OsRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian

        """;

    private const string DpkgStatus = $"""
        Package: libssl3
        Status: install ok installed
        Priority: optional
        Section: libs
        Architecture: amd64
        Source: openssl
        Version: {LibsslVersion}
        Description: Secure Sockets Layer toolkit - shared libraries

        Package: tar
        Essential: yes
        Status: install ok installed
        Architecture: amd64
        Version: 1.34+dfsg-1.2+deb12u1
        Description: GNU version of the tar archiving utility

        """;

    /// <summary>A new image: a random base layer (new each time, so each image has a digest of its own) and the package layer.</summary>
    public static TestImage Create(string label = "v1") =>
        TestImage.WithLayers([TestImage.Layer("base.bin", 64 * 1024), PackageLayer()], label);

    /// <summary>The package database as a gzip'd tar, as a Dockerfile's <c>RUN apt-get install</c> leaves it.</summary>
    public static byte[] PackageLayer()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in new[] { ("etc/os-release", OsRelease), ("var/lib/dpkg/status", DpkgStatus) })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                });
            }
        }

        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        return gzipped.ToArray();
    }
}
