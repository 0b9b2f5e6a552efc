using System.Globalization;

namespace Slipway.Local.Logs;

/// <summary>Where instance logs live: {root}/{app}/{env}/{revision}/{instanceId}.log.</summary>
internal static class LogLayout
{
    public const string Extension = ".log";

    public static string Root(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "logs");

    public static string EnvironmentDirectory(string root, string app, string environment) =>
        Path.Combine(root, app, environment);

    public static string RevisionDirectory(string root, string app, string environment, int revision) =>
        Path.Combine(EnvironmentDirectory(root, app, environment), revision.ToString(CultureInfo.InvariantCulture));

    public static string InstanceLog(string root, string app, string environment, int revision, string instanceId) =>
        Path.Combine(RevisionDirectory(root, app, environment, revision), instanceId + Extension);

    /// <summary>Every app×env with a log directory, whether or not it has revision directories in it.</summary>
    public static IReadOnlyList<(string App, string Environment)> Environments(string root)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.EnumerateDirectories(root)
            .SelectMany(app => Directory.EnumerateDirectories(app).Select(env => (Path.GetFileName(app), Path.GetFileName(env))))
            .Order()
            .ToList();
    }

    /// <summary>The revision directories of an app×env, oldest first.</summary>
    public static IReadOnlyList<(int Revision, string Path)> Revisions(string root, string app, string environment)
    {
        var dir = EnvironmentDirectory(root, app, environment);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return Directory.EnumerateDirectories(dir)
            .Select(path => (Ok: int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var revision), Revision: revision, Path: path))
            .Where(r => r.Ok)
            .Select(r => (r.Revision, r.Path))
            .OrderBy(r => r.Revision)
            .ToList();
    }
}
