using System.Reflection;
using System.Runtime.InteropServices;

namespace Slipway.Server.Api;

/// <summary>
/// Which build of Slipway a program is: its version, the git commit it was built from (when the build could
/// read one: the SDK puts it after a <c>+</c> in the informational version), the .NET runtime and the platform.
/// The JSON of <c>GET /api/v1/version</c> and of <c>slipway version -o json</c> (see docs/api.md).
/// </summary>
/// <param name="Version">The release version, e.g. <c>1.0.0</c>.</param>
/// <param name="Commit">The full git commit id, or null when the build had no git repository to read.</param>
/// <param name="Runtime">The .NET runtime running the program, e.g. <c>.NET 10.0.0</c>.</param>
/// <param name="Platform">The operating system and architecture, e.g. <c>linux-x64</c>.</param>
public sealed record BuildInfo(string Version, string? Commit, string Runtime, string Platform)
{
    /// <summary>The build of <paramref name="assembly"/>, running in this process.</summary>
    public static BuildInfo Of(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 || plus == informational.Length - 1 ? null : informational[(plus + 1)..];
        return new BuildInfo(version, commit, RuntimeInformation.FrameworkDescription, RuntimeInformation.RuntimeIdentifier);
    }

    /// <summary>This server's build.</summary>
    public static BuildInfo Server { get; } = Of(typeof(BuildInfo).Assembly);

    /// <summary><c>1.0.0 (commit 51e3dd91ba1d, .NET 10.0.0, linux-x64)</c>: one line for people.</summary>
    public override string ToString() =>
        $"{Version} ({(Commit is null ? "" : $"commit {Commit[..Math.Min(12, Commit.Length)]}, ")}{Runtime}, {Platform})";
}
