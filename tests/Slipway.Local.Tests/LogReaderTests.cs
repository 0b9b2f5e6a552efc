using Slipway.Local.Logs;

namespace Slipway.Local.Tests;

public sealed class LogReaderTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("slipway-logreader-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Tail_takes_the_last_lines_of_each_instance_ordered_by_revision_then_instance()
    {
        Write(2, "b", "b1\nb2\nb3\n");
        Write(1, "z", "z1\r\nz2\n");
        Write(2, "a", "a1\na2\na3\npartial");

        var lines = await Reader().ReadAsync("app", "prod", new LogQuery(null, Follow: false, Tail: 2), CancellationToken.None).ToListAsync();

        Assert.Equal(
            [("z", 1, "z1"), ("z", 1, "z2"), ("a", 2, "a3"), ("a", 2, "partial"), ("b", 2, "b2"), ("b", 2, "b3")],
            lines.Select(l => (l.InstanceId, l.Revision, l.Text)));
    }

    [Fact]
    public async Task Tail_filters_by_revision_and_reads_all_lines_when_negative()
    {
        Write(1, "x", "old\n");
        Write(3, "x", string.Concat(Enumerable.Range(0, 30000).Select(i => $"line {i}\n")));

        var all = await Reader().ReadAsync("app", "prod", new LogQuery(3, Follow: false, Tail: -1), CancellationToken.None).ToListAsync();
        var last = await Reader().ReadAsync("app", "prod", new LogQuery(3, Follow: false, Tail: 20000), CancellationToken.None).ToListAsync();

        Assert.Equal(30000, all.Count);
        Assert.Equal("line 10000", last[0].Text);
        Assert.Equal(20000, last.Count);
        Assert.Empty(await Reader().ReadAsync("app", "prod", new LogQuery(9, Follow: false, Tail: 5), CancellationToken.None).ToListAsync());
        Assert.Empty(await Reader().ReadAsync("other", "prod", new LogQuery(null, Follow: false, Tail: 5), CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Follow_waits_for_complete_lines_and_starts_over_after_a_truncation()
    {
        var path = Write(1, "x", "one\ntw");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var lines = Reader().ReadAsync("app", "prod", new LogQuery(null, Follow: true, Tail: 10), cancel.Token).GetAsyncEnumerator(cancel.Token);

        Assert.Equal("one", await Next(lines));
        await File.AppendAllTextAsync(path, "o\n");
        Assert.Equal("two", await Next(lines));
        await File.WriteAllTextAsync(path, "new\n"); // rotated: copied away and truncated
        Assert.Equal("new", await Next(lines));
    }

    private static async Task<string> Next(IAsyncEnumerator<LogLine> lines)
    {
        Assert.True(await lines.MoveNextAsync());
        return lines.Current.Text;
    }

    private LogReader Reader() => new(_data, TimeProvider.System, TimeSpan.FromMilliseconds(20));

    private string Write(int revision, string instance, string text)
    {
        var path = LogLayout.InstanceLog(Path.Combine(_data, "logs"), "app", "prod", revision, instance);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
