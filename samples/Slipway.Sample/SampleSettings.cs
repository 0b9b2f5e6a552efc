using System.Globalization;

namespace Slipway.Sample;

/// <summary>
/// The sample's behaviour, read once from its environment so tests and demos can make it misbehave. The version label
/// is <c>$VERSION</c>, else the first line of a <c>VERSION</c> file in the working directory (a label built into the
/// artifact), else <c>dev</c>.
/// </summary>
internal sealed record SampleSettings(
    int Port,
    string Version,
    string Instance,
    double ErrorRate,
    TimeSpan Latency,
    TimeSpan StartupDelay,
    bool NeverReady,
    TimeSpan? CrashAfter,
    bool IgnoreSigterm,
    TimeSpan? FlapReadiness = null)
{
    public static SampleSettings FromEnvironment(Func<string, string?> env, string workingDirectory) => new(
        Port: Int(env("PORT")) ?? 8080,
        Version: env("VERSION") ?? VersionFile(workingDirectory) ?? "dev",
        Instance: env("SLIPWAY_INSTANCE") ?? System.Environment.MachineName,
        ErrorRate: Math.Clamp(Double(env("ERROR_RATE")) ?? 0, 0, 1),
        Latency: TimeSpan.FromMilliseconds(Int(env("LATENCY_MS")) ?? 0),
        StartupDelay: TimeSpan.FromSeconds(Double(env("STARTUP_DELAY_SECONDS")) ?? 0),
        NeverReady: Bool(env("NEVER_READY")),
        CrashAfter: Double(env("CRASH_AFTER_SECONDS")) is { } crash ? TimeSpan.FromSeconds(crash) : null,
        IgnoreSigterm: Bool(env("IGNORE_SIGTERM")),
        FlapReadiness: Double(env("FLAP_READINESS_SECONDS")) is { } flap and > 0 ? TimeSpan.FromSeconds(flap) : null);

    private static string? VersionFile(string directory)
    {
        var path = Path.Combine(directory, "VERSION");
        return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
    }

    private static int? Int(string? value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static double? Double(string? value) =>
        double.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;

    private static bool Bool(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";
}
