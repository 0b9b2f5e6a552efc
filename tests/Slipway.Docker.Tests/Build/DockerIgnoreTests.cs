using Slipway.Docker.Build;

namespace Slipway.Docker.Tests.Build;

public sealed class DockerIgnoreTests
{
    [Theory]
    [InlineData("bin", "bin/app.dll", true)]
    [InlineData("bin/", "bin/app.dll", true)]
    [InlineData("/bin", "bin/app.dll", true)]
    [InlineData("bin", "src/bin/app.dll", false)]
    [InlineData("**/bin", "src/bin/app.dll", true)]
    [InlineData("**/*.log", "a.log", true)]
    [InlineData("**/*.log", "a/b/c.log", true)]
    [InlineData("*.log", "a/b.log", false)]
    [InlineData("*/*.md", "docs/x.md", true)]
    [InlineData("docs/**", "docs/a/b.md", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file10.txt", false)]
    [InlineData("file[0-9].txt", "file7.txt", true)]
    [InlineData("./tmp/../obj", "obj/x", true)]
    public void A_pattern_excludes_a_path_or_everything_under_a_directory_it_matches(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).Excludes(path));

    [Fact]
    public void The_last_matching_line_decides_so_an_exception_re_includes()
    {
        var ignore = DockerIgnore.Parse("""
            # logs are noise
            *.log

            !keep.log
            keep.log.d
            """);

        Assert.True(ignore.Excludes("debug.log"));
        Assert.False(ignore.Excludes("keep.log"));
        Assert.True(ignore.Excludes("keep.log.d"));
        Assert.False(ignore.Excludes("README.md"));
    }

    [Fact]
    public void The_dockerfile_and_the_dockerignore_are_sent_whatever_it_says()
    {
        var ignore = DockerIgnore.Parse("*\n", "build/Dockerfile", ".dockerignore");

        Assert.False(ignore.Excludes("build/Dockerfile"));
        Assert.False(ignore.Excludes(".dockerignore"));
        Assert.True(ignore.Excludes("src/app.cs"));
    }
}
