using Slipway.Docker.Build;

namespace Slipway.Server.Build;

/// <summary>The commit a build came from.</summary>
/// <param name="Version">The semver tag on the commit without its <c>v</c>; null when none (or the tree has changes).</param>
/// <param name="Dirty">The context had changes the commit does not hold (its tags end in <c>-dirty</c>).</param>
/// <param name="Source">The remote's URL, without credentials.</param>
public sealed record GitView(string Commit, string? Branch, string? Version, bool Dirty, string? Source)
{
    public static GitView Of(GitRevision git)
    {
        ArgumentNullException.ThrowIfNull(git);
        return new(git.Commit, git.Branch, git.Dirty ? null : git.Version, git.Dirty, git.RemoteUrl);
    }
}
