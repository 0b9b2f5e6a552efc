namespace Slipway.Local.Logs;

/// <summary>Which lines <see cref="LogReader.ReadAsync"/> gives.</summary>
/// <param name="Revision">Only this revision's instances; all retained revisions when null.</param>
/// <param name="Follow">After the history, every new line as it is written, until cancelled.</param>
/// <param name="Tail">Lines of history per instance: the last this many; all when negative.</param>
public sealed record LogQuery(int? Revision, bool Follow, int Tail)
{
    /// <summary>
    /// Only lines from this time on (see <see cref="LogTimeline"/> for what a line's time is); the history then
    /// includes the instance's rotated files, as far back as they go.
    /// </summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Give each line its time (<see cref="LogLine.Time"/>), read from the log's time index.</summary>
    public bool Times { get; init; }
}
