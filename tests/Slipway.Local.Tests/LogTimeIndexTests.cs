using Slipway.Local.Logs;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// Log lines get their time from a small index beside each log file (<see cref="LogTimeIndex"/>), written by the
/// supervisor as the file grows (<see cref="LogCheckpointer"/>), carried along by rotation and read back by
/// <see cref="LogReader"/> for <c>--since</c> and <c>--timestamps</c>.
/// </summary>
public sealed class LogTimeIndexTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly string _data = Directory.CreateTempSubdirectory("slipway-logtimes-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void A_checkpoint_is_written_when_the_log_grew_and_nothing_while_it_is_quiet()
    {
        var log = Write(1, "x", "one\n");
        var checkpointer = new LogCheckpointer(maxBytes: 1 << 20, rotatedFiles: 3, TimeProvider.System);

        checkpointer.Look([log]);
        Assert.Equal([4L], LogTimeIndex.Read(log).Select(c => c.Length));
        var indexWritten = File.GetLastWriteTimeUtc(LogTimeIndex.PathFor(log));

        // Quiet: many looks, not one byte written.
        for (var i = 0; i < 50; i++)
        {
            checkpointer.Look([log]);
        }

        Assert.Single(LogTimeIndex.Read(log));
        Assert.Equal(indexWritten, File.GetLastWriteTimeUtc(LogTimeIndex.PathFor(log)));

        File.AppendAllText(log, "two\n");
        checkpointer.Look([log]);
        var checkpoints = LogTimeIndex.Read(log);
        Assert.Equal([4L, 8L], checkpoints.Select(c => c.Length));
        // The time is the file's last write, rounded up to the millisecond: never before the line was written.
        var lastWrite = new DateTimeOffset(File.GetLastWriteTimeUtc(log), TimeSpan.Zero);
        Assert.InRange(checkpoints[1].Time, lastWrite, lastWrite.AddMilliseconds(1));
    }

    [Fact]
    public void A_new_supervisor_carries_on_from_the_index_on_disk_and_a_log_truncated_behind_its_back_starts_a_new_index()
    {
        var log = Write(1, "x", "one\n");
        new LogCheckpointer(1 << 20, 3, TimeProvider.System).Look([log]);

        // The controller restarted: its checkpointer has never seen this log, the file has not grown.
        var adopted = new LogCheckpointer(1 << 20, 3, TimeProvider.System);
        adopted.Look([log]);
        Assert.Single(LogTimeIndex.Read(log));

        File.AppendAllText(log, "two\n");
        adopted.Look([log]);
        Assert.Equal([4L, 8L], LogTimeIndex.Read(log).Select(c => c.Length));

        File.WriteAllText(log, "x\n"); // truncated by someone else: the old checkpoints describe content that is gone
        adopted.Look([log]);
        Assert.Equal([2L], LogTimeIndex.Read(log).Select(c => c.Length));
    }

    [Fact]
    public void A_torn_last_record_is_ignored_and_the_next_append_stays_aligned()
    {
        var log = Write(1, "x", "one\ntwo\n");
        LogTimeIndex.Append(log, new LogCheckpoint(4, T0));
        File.AppendAllText(LogTimeIndex.PathFor(log), "torn");

        Assert.Equal([new LogCheckpoint(4, T0)], LogTimeIndex.Read(log));
        LogTimeIndex.Append(log, new LogCheckpoint(8, T0.AddSeconds(1)));
        Assert.Equal([new LogCheckpoint(4, T0), new LogCheckpoint(8, T0.AddSeconds(1))], LogTimeIndex.Read(log));
    }

    [Fact]
    public void A_line_has_the_time_of_the_first_checkpoint_past_its_start_and_since_seeks_to_the_first_checkpoint_at_or_after_it()
    {
        // The example of LogTimeline's documentation.
        var timeline = new LogTimeline([new(120, T0.AddSeconds(1)), new(300, T0.AddSeconds(5))], fileLength: 350, lastWrite: T0.AddSeconds(6));

        Assert.Equal(T0.AddSeconds(1), timeline.TimeOf(0));
        Assert.Equal(T0.AddSeconds(1), timeline.TimeOf(119));
        Assert.Equal(T0.AddSeconds(5), timeline.TimeOf(120));
        Assert.Equal(T0.AddSeconds(5), timeline.TimeOf(299));
        Assert.Equal(T0.AddSeconds(6), timeline.TimeOf(300));

        Assert.Equal(0, timeline.OffsetSince(T0));
        Assert.Equal(0, timeline.OffsetSince(T0.AddSeconds(1)));
        Assert.Equal(120, timeline.OffsetSince(T0.AddSeconds(3)));
        Assert.Equal(120, timeline.OffsetSince(T0.AddSeconds(5)));
        Assert.Equal(300, timeline.OffsetSince(T0.AddSeconds(6)));
        Assert.Equal(350, timeline.OffsetSince(T0.AddSeconds(7)));
    }

    [Fact]
    public async Task Since_reads_from_the_first_line_at_or_after_the_time_and_timestamps_give_each_line_its_time()
    {
        var log = Write(1, "x", "");
        Grow(log, "a1\na2\n", T0.AddSeconds(1));
        Grow(log, "b1\nb2\n", T0.AddSeconds(5));
        Grow(log, "c1\n", T0.AddSeconds(9));

        var since = await Read(new LogQuery(null, Follow: false, Tail: -1) { Since = T0.AddSeconds(3), Times = true });

        Assert.Equal(
            [("b1", T0.AddSeconds(5)), ("b2", T0.AddSeconds(5)), ("c1", T0.AddSeconds(9))],
            since.Select(l => (l.Text, l.Time!.Value)));
        // --tail still applies, to the lines since then.
        Assert.Equal(["c1"], (await Read(new LogQuery(null, false, Tail: 1) { Since = T0.AddSeconds(3) })).Select(l => l.Text));
        Assert.Empty(await Read(new LogQuery(null, false, -1) { Since = T0.AddSeconds(10) }));
        // Without Times, no time is read.
        Assert.All(await Read(new LogQuery(null, false, 10)), l => Assert.Null(l.Time));
    }

    [Fact]
    public async Task The_index_goes_with_its_file_through_rotation_and_since_reads_the_rotated_files_oldest_first()
    {
        var log = Write(1, "x", "");
        Grow(log, "g1-old\n", T0.AddSeconds(1));
        Grow(log, "g1-new\n", T0.AddSeconds(10));
        Assert.True(LogRotator.RotateIfLarger(log, maxBytes: 4, keep: 3, T0.AddSeconds(30)));
        Grow(log, "g2-old\n", T0.AddSeconds(40));
        Grow(log, "g2-new\n", T0.AddSeconds(50));
        Assert.True(LogRotator.RotateIfLarger(log, maxBytes: 4, keep: 3, T0.AddSeconds(55)));
        Grow(log, "live\n", T0.AddSeconds(60));

        Assert.Equal("live\n", File.ReadAllText(log));
        Assert.Equal([7L, 14L], LogTimeIndex.Read(log + ".2").Select(c => c.Length));
        Assert.Equal([7L, 14L], LogTimeIndex.Read(log + ".1").Select(c => c.Length));
        Assert.Equal([5L], LogTimeIndex.Read(log).Select(c => c.Length));

        var lines = await Read(new LogQuery(null, Follow: false, Tail: -1) { Since = T0.AddSeconds(5), Times = true });

        Assert.Equal(
            [("g1-new", T0.AddSeconds(10)), ("g2-old", T0.AddSeconds(40)), ("g2-new", T0.AddSeconds(50)), ("live", T0.AddSeconds(60))],
            lines.Select(l => (l.Text, l.Time!.Value)));

        // Without --since, the history is the live file's, as before.
        Assert.Equal(["live"], (await Read(new LogQuery(null, false, 10))).Select(l => l.Text));
    }

    [Fact]
    public void Rotation_closes_the_copied_index_with_a_checkpoint_at_the_copy_length()
    {
        var log = Write(1, "x", "");
        Grow(log, "seen\n", T0);
        File.AppendAllText(log, "not yet seen\n"); // written after the supervisor's last look

        Assert.True(LogRotator.RotateIfLarger(log, maxBytes: 4, keep: 3, T0.AddSeconds(1)));

        Assert.Equal([new LogCheckpoint(5, T0), new LogCheckpoint(18, T0.AddSeconds(1))], LogTimeIndex.Read(log + ".1"));
        Assert.Empty(LogTimeIndex.Read(log));
    }

    [Fact]
    public async Task The_supervisor_indexes_a_running_instance_log_so_each_line_gets_a_time_within_a_second_of_when_it_was_written()
    {
        await using var harness = new SupervisorHarness(output, new SupervisorOptions { LogCheckpointInterval = TimeSpan.FromMilliseconds(200) });
        var before = DateTimeOffset.UtcNow;
        var instance = harness.Supervisor.Start(harness.Shell("timed-1", "echo first; sleep 2; echo second; exec sleep 300"));
        await Eventually.TrueAsync(() => LogTimeIndex.Read(instance.LogPath).Count >= 2, "two checkpoints: one per burst");
        var after = DateTimeOffset.UtcNow;

        var reader = new LogReader(harness.DataDirectory, TimeProvider.System);
        var lines = await reader.ReadAsync("scripts", "dev", new LogQuery(null, false, -1) { Times = true }, CancellationToken.None).ToListAsync();

        Assert.Equal(["first", "second"], lines.Select(l => l.Text));
        var (first, second) = (lines[0].Time!.Value, lines[1].Time!.Value);
        Assert.InRange(first, before, after);
        Assert.InRange(second, before, after);
        Assert.True(second - first >= TimeSpan.FromSeconds(1.5), $"the two lines, written 2 s apart, are {second - first} apart");

        // Since the second line's time: only the second line.
        var since = await reader.ReadAsync("scripts", "dev", new LogQuery(null, false, -1) { Since = second }, CancellationToken.None).ToListAsync();
        Assert.Equal(["second"], since.Select(l => l.Text));
    }

    /// <summary>The process wrote <paramref name="text"/>, and the supervisor saw the file grown at <paramref name="time"/>.</summary>
    private static void Grow(string log, string text, DateTimeOffset time)
    {
        File.AppendAllText(log, text);
        LogTimeIndex.Append(log, new LogCheckpoint(new FileInfo(log).Length, time));
        File.SetLastWriteTimeUtc(log, time.UtcDateTime);
    }

    private Task<List<LogLine>> Read(LogQuery query) =>
        new LogReader(_data, TimeProvider.System).ReadAsync("app", "prod", query, CancellationToken.None).ToListAsync().AsTask();

    private string Write(int revision, string instance, string text)
    {
        var path = LogLayout.InstanceLog(Path.Combine(_data, "logs"), "app", "prod", revision, instance);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
