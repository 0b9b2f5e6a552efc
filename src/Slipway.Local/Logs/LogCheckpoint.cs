namespace Slipway.Local.Logs;

/// <summary>
/// One entry of a log's time index: when the supervisor looked, the log file was <paramref name="Length"/> bytes long
/// and had last been written at <paramref name="Time"/>. Every byte before <paramref name="Length"/> was written at or
/// before <paramref name="Time"/>, every byte after it later.
/// </summary>
public readonly record struct LogCheckpoint(long Length, DateTimeOffset Time);
