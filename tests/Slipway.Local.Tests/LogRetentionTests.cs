using Slipway.Local.Logs;

namespace Slipway.Local.Tests;

public sealed class LogRetentionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("slipway-retention-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Keeps_the_newest_revisions_and_any_revision_still_running()
    {
        foreach (var revision in new[] { 1, 2, 3, 4, 5, 6, 7, 10 })
        {
            Directory.CreateDirectory(LogLayout.RevisionDirectory(_root, "app", "dev", revision));
        }

        Directory.CreateDirectory(Path.Combine(LogLayout.EnvironmentDirectory(_root, "app", "dev"), "not-a-revision"));
        Directory.CreateDirectory(LogLayout.RevisionDirectory(_root, "app", "prod", 1));

        LogRetention.Prune(_root, "app", "dev", keep: 5, inUse: new HashSet<int> { 2 });

        Assert.Equal([2, 4, 5, 6, 7, 10], LogLayout.Revisions(_root, "app", "dev").Select(r => r.Revision));
        Assert.True(Directory.Exists(LogLayout.RevisionDirectory(_root, "app", "prod", 1)));
        Assert.True(Directory.Exists(Path.Combine(LogLayout.EnvironmentDirectory(_root, "app", "dev"), "not-a-revision")));
    }
}
