using System.Diagnostics;
using Slipway.Docker.Build;
using Slipway.Docker.Tests.Support;

namespace Slipway.Docker.Tests.Build;

public sealed class GitRevisionTests
{
    [Fact]
    public async Task A_real_repository_gives_its_commit_branch_highest_semver_tag_and_remote_without_credentials()
    {
        using var repo = new TempDirectory();
        repo.Write("Dockerfile", "FROM scratch\n");
        Git(repo.Path, "init", "-q", "-b", "feature/login");
        Git(repo.Path, "add", ".");
        Git(repo.Path, "commit", "-q", "-m", "first");
        Git(repo.Path, "tag", "v1.2.0");
        Git(repo.Path, "tag", "v1.10.0-rc.1");
        Git(repo.Path, "tag", "v1.9.3");
        Git(repo.Path, "tag", "not-a-version");
        Git(repo.Path, "remote", "add", "origin", "https://ci:s3cr3t-token@git.example.com/acme/web.git");

        var git = await GitRevision.ReadAsync(repo.Path, CancellationToken.None);

        Assert.NotNull(git);
        Assert.Equal(Git(repo.Path, "rev-parse", "HEAD"), git.Commit);
        Assert.Equal("feature/login", git.Branch);
        Assert.Equal("v1.10.0-rc.1", git.SemverTag);
        Assert.Equal("https://git.example.com/acme/web.git", git.RemoteUrl);
        Assert.False(git.Dirty);
        Assert.Equal(DateTimeOffset.Parse(Git(repo.Path, "show", "-s", "--format=%cI", "HEAD"), System.Globalization.CultureInfo.InvariantCulture), git.CommittedAt);

        repo.Write("new.txt", "change");
        Assert.True((await GitRevision.ReadAsync(repo.Path, CancellationToken.None))!.Dirty);
    }

    [Fact]
    public async Task A_directory_outside_any_repository_has_no_revision()
    {
        using var dir = new TempDirectory();
        Assert.Null(await GitRevision.ReadAsync(dir.Path, CancellationToken.None));
    }

    [Fact]
    public void A_release_ranks_above_its_pre_releases()
    {
        Assert.Equal("v2.0.0", GitRevision.HighestSemver(["v2.0.0-rc.1", "v2.0.0", "v1.99.0", "latest"]));
        Assert.Null(GitRevision.HighestSemver(["latest", "v1", "1.2"]));
    }

    /// <summary>Every test commit's time, so that images built from them are the same image.</summary>
    internal const string CommitTime = "2026-11-24T11:58:00Z";

    internal static string Git(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["GIT_AUTHOR_NAME"] = info.Environment["GIT_COMMITTER_NAME"] = "Slipway Test";
        info.Environment["GIT_AUTHOR_EMAIL"] = info.Environment["GIT_COMMITTER_EMAIL"] = "test@slipway.invalid";
        info.Environment["GIT_AUTHOR_DATE"] = info.Environment["GIT_COMMITTER_DATE"] = CommitTime;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', args)}: {errors}");
        return output.Trim();
    }
}
