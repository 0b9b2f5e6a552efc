namespace Slipway.Local.Logs;

/// <summary>One line an instance wrote to stdout or stderr (the two are interleaved in one file).</summary>
/// <param name="Time">When Slipway saw the line (see <see cref="LogTimeline"/>); null unless <see cref="LogQuery.Times"/> asked for it.</param>
public sealed record LogLine(string InstanceId, int Revision, string Text, DateTimeOffset? Time = null);
