using Slipway.Core.Spec;

namespace Slipway.Server.Targets;

/// <summary>One instance to start: which revision of which app×env, under which id, from which template.</summary>
internal sealed record InstanceLaunch(
    string App,
    string Environment,
    string AppUid,
    int Revision,
    string InstanceId,
    DateTimeOffset CreatedAt,
    InstanceTemplate Template)
{
    /// <summary>
    /// A new instance id: app, environment and revision for people reading logs and process lists, and a random part
    /// that makes it unique. Nothing is ever parsed back out of it.
    /// </summary>
    public static string NewId(string app, string environment, int revision) =>
        $"{app}-{environment}-r{revision.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5))}";
}
