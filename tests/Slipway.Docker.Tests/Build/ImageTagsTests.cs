using Slipway.Docker.Build;

namespace Slipway.Docker.Tests.Build;

public sealed class ImageTagsTests
{
    private const string Commit = "3f2a9c1d0e4b5a6978812233445566778899aabb";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_tagged_commit_on_a_branch_gets_full_and_short_commit_branch_and_version()
    {
        var git = new GitRevision(Commit, "feature/login", "v1.4.0", "https://github.com/acme/web", Dirty: false, Now.AddMinutes(-2).ToOffset(TimeSpan.FromHours(2)));

        var tags = ImageTags.For(git, ["ci-77"], Now);
        var labels = ImageTags.Labels(git, tags, Now, new Dictionary<string, string> { ["team"] = "payments" });

        Assert.Equal([Commit, "3f2a9c1", "feature-login", "1.4.0", "ci-77"], tags);
        Assert.Equal(Commit, labels[ImageTags.RevisionLabel]);
        Assert.Equal("https://github.com/acme/web", labels[ImageTags.SourceLabel]);
        Assert.Equal("2026-11-24T11:58:00Z", labels[ImageTags.CreatedLabel]); // the commit's time: the same commit, the same image
        Assert.Equal("1.4.0", labels[ImageTags.VersionLabel]);
        Assert.Equal("payments", labels["team"]);
    }

    [Fact]
    public void A_working_tree_with_changes_gets_dirty_commit_tags_and_no_version_tag()
    {
        var git = new GitRevision(Commit, "main", "v1.4.0", null, Dirty: true, Now.AddDays(-1));

        var tags = ImageTags.For(git, null, Now);
        var labels = ImageTags.Labels(git, tags, Now, null);

        Assert.Equal([Commit + "-dirty", "3f2a9c1-dirty", "main"], tags);
        Assert.Equal("3f2a9c1-dirty", labels[ImageTags.VersionLabel]);
        Assert.Equal("2026-11-24T12:00:00Z", labels[ImageTags.CreatedLabel]); // files the commit does not describe: the build's time
        Assert.False(labels.ContainsKey(ImageTags.SourceLabel));
    }

    [Fact]
    public void Without_git_the_given_tags_or_a_build_time_tag()
    {
        Assert.Equal(["v2"], ImageTags.For(null, ["v2"], Now));
        Assert.Equal(["build-20261124120000"], ImageTags.For(null, null, Now));
    }

    [Theory]
    [InlineData("feature/login", "feature-login")]
    [InlineData("-odd/Branch+x", "odd-Branch-x")]
    [InlineData("1.4.0+build.5", "1.4.0-build.5")]
    public void Branches_and_versions_become_valid_tags(string name, string tag)
    {
        Assert.Equal(tag, ImageTags.Sanitize(name));
        Assert.True(ImageTags.IsValid(tag));
    }
}
