namespace Slipway.Local.Logs;

/// <summary>One line an instance wrote to stdout or stderr (the two are interleaved in one file).</summary>
public sealed record LogLine(string InstanceId, int Revision, string Text);
