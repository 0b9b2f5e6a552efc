using System.Formats.Tar;
using Slipway.Docker.Build;
using Slipway.Docker.Tests.Support;

namespace Slipway.Docker.Tests.Build;

public sealed class BuildContextTests
{
    [Fact]
    public async Task The_tar_stream_holds_the_context_minus_what_dockerignore_excludes_with_modes_and_owner_0()
    {
        using var dir = new TempDirectory();
        dir.Write("Dockerfile", "FROM scratch\n");
        dir.Write(".dockerignore", "secrets/\n*.log\n!important.log\nDockerfile\n");
        dir.Write("app/main.sh", "#!/bin/sh\necho hi\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(dir.Path, "app/main.sh"), (UnixFileMode)0b111_101_101);
        }
        dir.Write("secrets/key.pem", "PRIVATE");
        dir.Write("debug.log", "noise");
        dir.Write("important.log", "kept");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "app/link"), "main.sh");
        MakeFifo(Path.Combine(dir.Path, "app/pipe")); // read, it would block the build for ever

        var context = BuildContext.Create(dir.Path, Path.Combine(dir.Path, "Dockerfile"));
        var entries = await ReadAsync(context);

        Assert.Equal(
            new[] { ".dockerignore", "Dockerfile", "app/", "app/link", "app/main.sh", "important.log" },
            entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Dockerfile", context.DockerfileName);
        Assert.Equal((UnixFileMode)0b111_101_101, entries["app/main.sh"].Mode);
        Assert.Equal(TarEntryType.SymbolicLink, entries["app/link"].EntryType);
        Assert.Equal("main.sh", entries["app/link"].LinkName);
        Assert.All(entries.Values, e => Assert.Equal((0, 0), (e.Uid, e.Gid)));
    }

    [Fact]
    public async Task A_dockerfile_outside_the_context_is_sent_under_a_name_of_its_own()
    {
        using var dir = new TempDirectory();
        dir.Write("context/app.txt", "x");
        var dockerfile = dir.Write("elsewhere/build.Dockerfile", "FROM scratch\nCOPY app.txt /\n");

        var context = BuildContext.Create(Path.Combine(dir.Path, "context"), dockerfile);
        var entries = await ReadAsync(context);

        Assert.Equal(BuildContext.CopiedDockerfileName, context.DockerfileName);
        Assert.Contains(BuildContext.CopiedDockerfileName, entries.Keys);
        Assert.Contains("app.txt", entries.Keys);
    }

    [Fact]
    public async Task An_appended_instruction_goes_into_a_copy_and_the_original_stays_as_it_is()
    {
        using var dir = new TempDirectory();
        dir.Write("Dockerfile", "FROM scratch\nCOPY app.txt /");
        dir.Write("app.txt", "x");

        var context = BuildContext.Create(dir.Path, Path.Combine(dir.Path, "Dockerfile"), "LABEL a=\"1\"");
        var entries = await ReadAsync(context);

        Assert.Equal(BuildContext.CopiedDockerfileName, context.DockerfileName);
        Assert.Equal("FROM scratch\nCOPY app.txt /\nLABEL a=\"1\"\n", await new StreamReader(entries[BuildContext.CopiedDockerfileName].DataStream!).ReadToEndAsync());
        Assert.Equal("FROM scratch\nCOPY app.txt /", await new StreamReader(entries["Dockerfile"].DataStream!).ReadToEndAsync());
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    private static async Task<Dictionary<string, TarEntry>> ReadAsync(BuildContext context)
    {
        using var buffer = new MemoryStream();
        await context.Content().CopyToAsync(buffer);
        buffer.Position = 0;
        var entries = new Dictionary<string, TarEntry>();
        using var reader = new TarReader(buffer);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries[entry.Name] = entry;
        }

        return entries;
    }
}
