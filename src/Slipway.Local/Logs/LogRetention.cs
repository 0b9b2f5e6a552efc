namespace Slipway.Local.Logs;

/// <summary>Keeps the log directories of the newest revisions of an app×env and deletes the older ones.</summary>
internal static class LogRetention
{
    /// <param name="inUse">Revisions with supervised instances: never deleted, however old.</param>
    /// <returns>The deleted directories.</returns>
    public static IReadOnlyList<string> Prune(string root, string app, string environment, int keep, IReadOnlySet<int> inUse)
    {
        var revisions = LogLayout.Revisions(root, app, environment);
        var deleted = new List<string>();
        foreach (var (revision, path) in revisions.Take(Math.Max(0, revisions.Count - keep)))
        {
            if (inUse.Contains(revision))
            {
                continue;
            }

            Directory.Delete(path, recursive: true);
            deleted.Add(path);
        }

        return deleted;
    }
}
