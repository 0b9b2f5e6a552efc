namespace Slipway.Local.Probes;

/// <summary>One probe attempt; a failure is a value, not an exception, as it is the expected case.</summary>
internal readonly record struct ProbeResult(bool Success, string Detail)
{
    public static ProbeResult Ok(string detail) => new(true, detail);

    public static ProbeResult Fail(string detail) => new(false, detail);
}
