using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Slipway.Docker.Build;

/// <summary>
/// The commit a build context is checked out at, and what names it: the branch, a semver tag on that very commit, the
/// remote it came from, and whether the files differ from it (then the commit does not describe the image).
/// </summary>
/// <remarks>
/// Read with the git command rather than LibGit2Sharp: a build asks six read-only questions, the user's git answers
/// them exactly as it does on their terminal (worktrees, safe.directory, config included), and Slipway.Docker carries
/// no native libgit2 binary. A context that is not in a repository, or a machine without git, gives no revision.
/// </remarks>
/// <param name="SemverTag">The highest semver tag on the commit, as written (<c>v1.4.0</c>); null when none.</param>
/// <param name="RemoteUrl">origin's URL (else the first remote's), credentials removed; null when none.</param>
/// <param name="Dirty">Tracked or untracked changes under the context directory.</param>
/// <param name="CommittedAt">The commit's committer time.</param>
public sealed partial record GitRevision(string Commit, string? Branch, string? SemverTag, string? RemoteUrl, bool Dirty, DateTimeOffset? CommittedAt = null)
{
    /// <summary>Seven hex digits, as git log --oneline and most registries' UIs show a commit.</summary>
    public string ShortCommit => Commit[..7];

    /// <summary>The version without the leading <c>v</c>, e.g. <c>1.4.0</c>.</summary>
    public string? Version => SemverTag?.TrimStart('v');

    /// <summary>The revision of <paramref name="directory"/>'s repository, or null when it is not in one (or git is missing).</summary>
    public static async Task<GitRevision?> ReadAsync(string directory, CancellationToken ct)
    {
        var commit = await GitAsync(directory, ct, "rev-parse", "--verify", "-q", "HEAD").ConfigureAwait(false);
        if (commit is null || !CommitPattern().IsMatch(commit))
        {
            return null;
        }

        var branch = await GitAsync(directory, ct, "symbolic-ref", "-q", "--short", "HEAD").ConfigureAwait(false);
        var tags = (await GitAsync(directory, ct, "tag", "--points-at", "HEAD").ConfigureAwait(false) ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var remote = await GitAsync(directory, ct, "remote", "get-url", "origin").ConfigureAwait(false);
        if (remote is null && (await GitAsync(directory, ct, "remote").ConfigureAwait(false))?.Split('\n')[0] is { Length: > 0 } first)
        {
            remote = await GitAsync(directory, ct, "remote", "get-url", first).ConfigureAwait(false);
        }

        var status = await GitAsync(directory, ct, "status", "--porcelain", "--", ".").ConfigureAwait(false);
        var committed = await GitAsync(directory, ct, "show", "-s", "--format=%cI", "HEAD").ConfigureAwait(false);
        return new GitRevision(
            commit,
            string.IsNullOrEmpty(branch) ? null : branch,
            HighestSemver(tags),
            string.IsNullOrEmpty(remote) ? null : WithoutCredentials(remote),
            !string.IsNullOrEmpty(status),
            DateTimeOffset.TryParse(committed, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at) ? at : null);
    }

    /// <summary>The highest of the semver tags (<c>v</c> prefix allowed); a release ranks above its pre-releases.</summary>
    internal static string? HighestSemver(IEnumerable<string> tags) => tags
        .Select(tag => (Tag: tag, Match: SemverPattern().Match(tag)))
        .Where(t => t.Match.Success)
        .OrderByDescending(t => long.Parse(t.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
        .ThenByDescending(t => long.Parse(t.Match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
        .ThenByDescending(t => long.Parse(t.Match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture))
        .ThenBy(t => t.Match.Groups[4].Success ? 1 : 0)
        .ThenByDescending(t => t.Tag, StringComparer.Ordinal)
        .Select(t => t.Tag)
        .FirstOrDefault();

    /// <summary>An https URL's user and password (a token, often) must not end up in an image label.</summary>
    internal static string WithoutCredentials(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 && uri.Scheme is "http" or "https"
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString().TrimEnd('/')
            : url;

    private static async Task<string?> GitAsync(string directory, CancellationToken ct, params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(directory);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["LC_ALL"] = "C";
        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }

        if (process is null)
        {
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var errors = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            var text = (await output.ConfigureAwait(false)).Trim();
            await errors.ConfigureAwait(false);
            return process.ExitCode == 0 ? text : null;
        }
    }

    [GeneratedRegex("^[0-9a-f]{40}([0-9a-f]{24})?$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitPattern();

    // semver.org's grammar, with the v most tags carry.
    [GeneratedRegex(@"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemverPattern();
}
