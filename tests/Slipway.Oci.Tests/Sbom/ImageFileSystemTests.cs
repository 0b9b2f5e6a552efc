using System.Text;
using Slipway.Oci.Sbom;

namespace Slipway.Oci.Tests.Sbom;

public sealed class ImageFileSystemTests
{
    private static readonly Func<string, bool> Wanted = new Cataloguers().Wants;

    [Fact]
    public async Task Layers_stack_bottom_to_top_and_only_wanted_files_are_kept()
    {
        var layers = new[]
        {
            new LayerBuilder()
                .Directory("etc").File("etc/passwd", "root:x:0:0").File("usr/lib/os-release", "ID=debian\nVERSION_ID=11\n")
                .Symlink("etc/os-release", "../usr/lib/os-release")
                .File("var/lib/dpkg/status", "Package: old\nVersion: 1\n").Source(),
            new LayerBuilder().File("./usr/lib/os-release", SampleFiles.OsRelease).File("/var/lib/dpkg/status", SampleFiles.DpkgStatus).Source(gzip: false),
        };

        var files = await ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None);

        Assert.Equal(["etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status"], files.Paths);
        Assert.Contains("VERSION_ID=\"12\"", Read(files, "etc/os-release"), StringComparison.Ordinal); // the link resolves through the top layer
        Assert.StartsWith("Package: libssl3", Read(files, "var/lib/dpkg/status"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whiteout_removes_a_file_or_a_whole_directory_of_the_layers_below()
    {
        var layers = new[]
        {
            new LayerBuilder()
                .File("app/node_modules/lodash/package.json", SampleFiles.PackageJson("lodash", "4.17.20"))
                .File("app/node_modules/left-pad/package.json", SampleFiles.PackageJson("left-pad", "1.2.5"))
                .File("app/web.deps.json", SampleFiles.DepsJson).Source(),
            new LayerBuilder().Whiteout("app/node_modules/lodash").Whiteout("app/web.deps.json").Source(),
        };

        var files = await ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None);

        Assert.Equal(["app/node_modules/left-pad/package.json"], files.Paths);
    }

    [Fact]
    public async Task An_opaque_directory_hides_what_lower_layers_put_in_it_but_keeps_its_own_layer_files_whatever_their_order()
    {
        var site = "usr/lib/python3/dist-packages";
        var layers = new[]
        {
            new LayerBuilder()
                .File($"{site}/requests-2.31.0.dist-info/METADATA", SampleFiles.PythonMetadata("requests", "2.31.0"))
                .File($"{site}/idna-3.6.dist-info/METADATA", SampleFiles.PythonMetadata("idna", "3.6"))
                .File("usr/lib/other/x.dist-info/METADATA", SampleFiles.PythonMetadata("x", "1")).Source(),
            new LayerBuilder()
                .File($"{site}/requests-2.32.0.dist-info/METADATA", SampleFiles.PythonMetadata("requests", "2.32.0"))
                .Opaque(site) // after a file of its own layer: that file stays
                .Whiteout($"{site}/requests-2.32.0.dist-info") // a whiteout never hides its own layer's file either
                .Source(),
        };

        var files = await ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None);

        Assert.Equal(["usr/lib/other/x.dist-info/METADATA", $"{site}/requests-2.32.0.dist-info/METADATA"], files.Paths);
    }

    [Fact]
    public async Task A_file_in_an_upper_layer_replaces_a_link_and_a_whiteout_then_a_new_file_brings_it_back()
    {
        var layers = new[]
        {
            new LayerBuilder().File("usr/lib/os-release", "ID=debian\nVERSION_ID=12\n").Symlink("etc/os-release", "../usr/lib/os-release").Source(),
            new LayerBuilder().File("etc/os-release", "ID=ubuntu\nVERSION_ID=22.04\n").Whiteout("usr/lib/os-release").Source(),
            new LayerBuilder().HardLink("usr/lib/os-release", "etc/os-release").File("var/lib/dpkg/status", "").HardLink("var/lib/dpkg/status.d/base", "var/lib/dpkg/status").Source(),
        };

        var files = await ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None);

        Assert.Equal("ID=ubuntu\nVERSION_ID=22.04\n", Read(files, "etc/os-release"));
        Assert.False(files.TryGet("usr/lib/os-release", out _)); // a hard link to a file of a lower layer cannot be read
        Assert.True(files.TryGet("var/lib/dpkg/status.d/base", out _)); // one to a kept file of its own layer can
        Assert.Contains(files.Notes, n => n.Contains("/usr/lib/os-release", StringComparison.Ordinal) && n.Contains("hard link", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_zstd_layer_is_refused_by_name_with_what_would_work()
    {
        var zstd = new byte[] { 0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x00, 0x01, 0x00 };
        var layers = new[] { new LayerBuilder().File("a", "b").Source(), LayerBuilder.Blob(zstd, "application/vnd.oci.image.layer.v1.tar+zstd") };

        var error = await Assert.ThrowsAsync<UnreadableLayerException>(() => ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None));

        Assert.Contains("layer 2 (sha256:", error.Message, StringComparison.Ordinal);
        Assert.Contains("zstd", error.Message, StringComparison.Ordinal);
        Assert.Contains("application/vnd.oci.image.layer.v1.tar+zstd", error.Message, StringComparison.Ordinal);
        Assert.Contains("gzip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_layer_that_is_not_a_tar_is_refused_and_says_what_it_starts_with()
    {
        var layers = new[] { LayerBuilder.Blob(Encoding.UTF8.GetBytes("{\"not\": \"a layer\"}" + new string(' ', 600))) };

        var error = await Assert.ThrowsAsync<UnreadableLayerException>(() => ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None));

        Assert.Contains("layer 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a tar archive", error.Message, StringComparison.Ordinal);
        Assert.Contains("7b226e6f74", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_layer_whose_content_is_not_a_tar_is_refused()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(new string('x', 2000)));
        }

        var error = await Assert.ThrowsAsync<UnreadableLayerException>(
            () => ImageFileSystem.ReadAsync([LayerBuilder.Blob(buffer.ToArray())], Wanted, CancellationToken.None));

        Assert.Contains("not a readable gzip-compressed tar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_layer_and_a_file_above_the_size_limit_are_handled_without_failing()
    {
        var layers = new[] { LayerBuilder.Blob([]), new LayerBuilder().Source(), new LayerBuilder().File("app/big.deps.json", new string(' ', 2048)).Source() };

        var files = await ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None, maxFileBytes: 1024);

        Assert.Empty(files.Paths);
        Assert.Contains(files.Notes, n => n.Contains("/app/big.deps.json", StringComparison.Ordinal) && n.Contains("limit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_layer_is_opened_once()
    {
        var opened = new int[2];
        var bytes = new[] { new LayerBuilder().File("var/lib/dpkg/status", SampleFiles.DpkgStatus).TarGzip(), new LayerBuilder().Whiteout("var/lib/dpkg/status").Tar() };
        var layers = Enumerable.Range(0, 2).Select(i => new LayerSource(null, null, _ =>
        {
            opened[i]++;
            return Task.FromResult<Stream>(new MemoryStream(bytes[i]));
        })).ToList();

        var files = await ImageFileSystem.ReadAsync(layers, Wanted, CancellationToken.None);

        Assert.Empty(files.Paths);
        Assert.Equal([1, 1], opened);
    }

    private static string Read(CollectedFiles files, string path)
    {
        Assert.True(files.TryGet(path, out var content), $"{path} was not collected");
        return Encoding.UTF8.GetString(content.Span);
    }
}
