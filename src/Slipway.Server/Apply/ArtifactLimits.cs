using System.Globalization;
using System.Text.RegularExpressions;

namespace Slipway.Server.Apply;

/// <summary>
/// Bounds on reading one artifact directory, so that no artifact — a huge build, a directory on a hung network
/// file system — can keep an apply waiting for ever (`slipway server --max-artifact-size`, `--artifact-timeout`).
/// </summary>
/// <param name="MaxBytes">The most bytes of files an artifact may hold; null for no limit (<c>slipway validate</c>
/// checking locally, where the server's setting is not known).</param>
/// <param name="Timeout">How long each pass over one artifact (checking it; hashing and copying it) may take.</param>
public sealed partial record ArtifactLimits(long? MaxBytes, TimeSpan Timeout)
{
    /// <summary>2 GiB: several times a self-contained .NET service or a Node service with its node_modules.</summary>
    public const long DefaultMaxBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>5 minutes: hashing and copying 2 GiB takes well under a minute on a slow disk.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static ArtifactLimits Default { get; } = new(DefaultMaxBytes, DefaultTimeout);

    /// <summary>Reads a size such as <c>2GiB</c>, <c>500MiB</c>, <c>64KiB</c> or a number of bytes.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text ?? "");
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var shift = match.Groups[2].Value switch
        {
            "KiB" => 10,
            "MiB" => 20,
            "GiB" => 30,
            "TiB" => 40,
            _ => 0,
        };
        if (number > long.MaxValue >> shift)
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }

    [GeneratedRegex("^([0-9]+)(KiB|MiB|GiB|TiB|B)?$")]
    private static partial Regex SizePattern();
}
