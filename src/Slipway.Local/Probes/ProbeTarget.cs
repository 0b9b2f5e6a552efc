namespace Slipway.Local.Probes;

/// <summary>What a probe of one instance talks to: its port, and for exec probes its directory and environment.</summary>
internal sealed record ProbeTarget(int Port, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment);
