using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Apply;

/// <summary>The digest identifies an artifact directory by its content: any change to what would run is a new digest.</summary>
public sealed class ArtifactDigestTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_digest_has_the_shape_of_an_oci_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code"));

        var digest = await ArtifactDigest.ComputeAsync(artifact, CancellationToken.None);

        Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
    }

    [Fact]
    public async Task The_same_content_in_different_directories_has_the_same_digest()
    {
        var first = Artifact("first", ("app.dll", "code"), ("wwwroot/index.html", "<h1>hi</h1>"), ("config/appsettings.json", "{}"));
        var second = Artifact("second", ("config/appsettings.json", "{}"), ("app.dll", "code"), ("wwwroot/index.html", "<h1>hi</h1>"));

        Assert.Equal(await Digest(first), await Digest(second));
        Assert.Equal(await Digest(first), await Digest(first));
    }

    [Fact]
    public async Task A_changed_byte_changes_the_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code v1"), ("wwwroot/index.html", "<h1>hi</h1>"));
        var before = await Digest(artifact);

        _temp.WriteFile("out/wwwroot/index.html", "<h1>hI</h1>");

        Assert.NotEqual(before, await Digest(artifact));
    }

    [Fact]
    public async Task A_renamed_file_changes_the_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code"), ("appsettings.json", "{}"));
        var before = await Digest(artifact);

        File.Move(_temp.Combine("out", "appsettings.json"), _temp.Combine("out", "appsettings.Production.json"));

        Assert.NotEqual(before, await Digest(artifact));
    }

    [Fact]
    public async Task A_file_moved_into_a_subdirectory_changes_the_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code"), ("appsettings.json", "{}"));
        var before = await Digest(artifact);

        Directory.CreateDirectory(_temp.Combine("out", "config"));
        File.Move(_temp.Combine("out", "appsettings.json"), _temp.Combine("out", "config", "appsettings.json"));

        Assert.NotEqual(before, await Digest(artifact));
    }

    [Fact]
    public async Task An_added_empty_file_changes_the_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code"));
        var before = await Digest(artifact);

        _temp.WriteFile("out/.maintenance", "");

        Assert.NotEqual(before, await Digest(artifact));
    }

    [Fact]
    public async Task Bytes_moved_from_one_file_to_the_next_change_the_digest()
    {
        var first = Artifact("first", ("a.txt", "ab"), ("b.txt", "c"));
        var second = Artifact("second", ("a.txt", "a"), ("b.txt", "bc"));

        Assert.NotEqual(await Digest(first), await Digest(second));
    }

    [Fact]
    public async Task Content_that_looks_like_a_file_boundary_does_not_collide_with_an_extra_file()
    {
        var first = Artifact("first", ("a", "b\0c\0"));
        var second = Artifact("second", ("a", "b"), ("c", ""));

        Assert.NotEqual(await Digest(first), await Digest(second));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Making_a_file_executable_changes_the_digest()
    {
        var artifact = Artifact("out", ("run.sh", "#!/bin/sh\necho hi\n"));
        var before = await Digest(artifact);

        File.SetUnixFileMode(_temp.Combine("out", "run.sh"), File.GetUnixFileMode(_temp.Combine("out", "run.sh")) | UnixFileMode.UserExecute);

        Assert.NotEqual(before, await Digest(artifact));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_bits_and_umask_differences_do_not_change_the_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code"));
        var before = await Digest(artifact);

        File.SetUnixFileMode(_temp.Combine("out", "app.dll"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);

        Assert.Equal(before, await Digest(artifact));
    }

    [Fact]
    public async Task A_symlink_is_digested_by_its_target_not_by_what_it_points_to()
    {
        var artifact = Artifact("out", ("v1.json", "{}"), ("v2.json", "{}"));
        File.CreateSymbolicLink(_temp.Combine("out", "config.json"), "v1.json");
        var before = await Digest(artifact);

        File.Delete(_temp.Combine("out", "config.json"));
        File.CreateSymbolicLink(_temp.Combine("out", "config.json"), "v2.json");

        Assert.NotEqual(before, await Digest(artifact));
    }

    [Fact]
    public async Task A_symlink_and_a_copy_of_the_file_it_points_to_have_different_digests()
    {
        var linked = Artifact("linked", ("v1.json", "{}"));
        File.CreateSymbolicLink(_temp.Combine("linked", "config.json"), "v1.json");
        var copied = Artifact("copied", ("v1.json", "{}"), ("config.json", "{}"));

        Assert.NotEqual(await Digest(linked), await Digest(copied));
    }

    [Fact]
    public async Task An_added_empty_directory_changes_the_digest()
    {
        var artifact = Artifact("out", ("app.dll", "code"));
        var before = await Digest(artifact);

        Directory.CreateDirectory(_temp.Combine("out", "logs"));

        Assert.NotEqual(before, await Digest(artifact));
    }

    private string Artifact(string name, params (string Path, string Content)[] files)
    {
        var directory = _temp.Combine(name);
        Directory.CreateDirectory(directory);
        foreach (var (path, content) in files)
        {
            _temp.WriteFile(Path.Combine(name, path), content);
        }

        return directory;
    }

    private static Task<string> Digest(string directory) => ArtifactDigest.ComputeAsync(directory, CancellationToken.None);
}
