using Slipway.Local.Logs;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>Instance output lands in its log file, is rotated by size, and reads back through <see cref="LogReader"/>.</summary>
public sealed class LogTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SupervisorHarness _harness = new(output, new SupervisorOptions
    {
        MaxLogBytes = 8 * 1024,
        LogCheckpointInterval = TimeSpan.FromMilliseconds(100),
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Stdout_and_stderr_go_to_the_log_file_and_read_back_through_the_reader()
    {
        var instance = _harness.Supervisor.Start(_harness.Shell("printer-1", "for i in 1 2 3 4 5; do echo out-$i; done; echo err-6 >&2; exec sleep 300", revision: 4));

        Assert.Equal(Path.Combine(_harness.DataDirectory, "logs", "scripts", "dev", "4", "printer-1.log"), instance.LogPath);
        await Eventually.TrueAsync(() => File.Exists(instance.LogPath) && File.ReadAllText(instance.LogPath).Contains("err-6"), "the log file filled");

        var reader = new LogReader(_harness.DataDirectory, TimeProvider.System);
        var tail = await reader.ReadAsync("scripts", "dev", new LogQuery(null, Follow: false, Tail: 3), CancellationToken.None).ToListAsync();

        Assert.Equal(["out-4", "out-5", "err-6"], tail.Select(l => l.Text));
        Assert.All(tail, l => Assert.Equal(("printer-1", 4), (l.InstanceId, l.Revision)));
    }

    [Fact]
    public async Task Follow_streams_new_lines_including_those_of_instances_started_later()
    {
        var first = _harness.Supervisor.Start(_harness.Shell("ticker-1", "echo before; i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.1; done"));
        await Eventually.TrueAsync(() => File.Exists(first.LogPath) && new FileInfo(first.LogPath).Length > 0, "output");
        var reader = new LogReader(_harness.DataDirectory, TimeProvider.System, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<LogLine>();
        var startedSecond = false;

        await foreach (var line in reader.ReadAsync("scripts", "dev", new LogQuery(null, Follow: true, Tail: 1), cancel.Token))
        {
            seen.Add(line);
            if (!startedSecond && seen.Count(l => l.Text.StartsWith("tick-", StringComparison.Ordinal)) >= 3)
            {
                startedSecond = true;
                _harness.Supervisor.Start(_harness.Shell("ticker-2", "echo hello-from-2; exec sleep 300", revision: 2));
            }

            if (line.InstanceId == "ticker-2")
            {
                break;
            }
        }

        Assert.Equal(new LogLine("ticker-2", 2, "hello-from-2"), seen[^1]);
        // Followed lines of one file arrive in order, without gaps or repeats.
        var ticks = seen.Where(l => l.InstanceId == "ticker-1" && l.Text.StartsWith("tick-", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Text["tick-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(ticks[0], ticks.Count), ticks);
    }

    [Fact]
    public async Task Cancelling_a_follow_ends_it_quietly()
    {
        _harness.Supervisor.Start(_harness.Shell("quiet-1", "echo one; exec sleep 300"));
        var reader = new LogReader(_harness.DataDirectory, TimeProvider.System, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource();
        var lines = new List<string>();

        await foreach (var line in reader.ReadAsync("scripts", "dev", new LogQuery(1, Follow: true, Tail: 10), cancel.Token))
        {
            lines.Add(line.Text);
            await cancel.CancelAsync();
        }

        Assert.Equal(["one"], lines);
    }

    [Fact]
    public async Task A_log_over_the_size_limit_is_rotated_keeping_three_files()
    {
        var instance = _harness.Supervisor.Start(_harness.Shell(
            "chatty-1", "i=0; while true; do echo \"line $i 0123456789012345678901234567890123456789012345678901234567890123456789\"; i=$((i+1)); sleep 0.002; done"));

        await Eventually.TrueAsync(() => File.Exists(instance.LogPath + ".3"), "three rotated files");
        await Eventually.TrueAsync(() => new FileInfo(instance.LogPath).Length < 64 * 1024, "the live file kept small");

        Assert.False(File.Exists(instance.LogPath + ".4"));
        Assert.True(new FileInfo(instance.LogPath + ".2").Length > 8 * 1024);
        // The process kept writing through the truncations (O_APPEND): new lines still arrive, at the start of the file.
        var length = new FileInfo(instance.LogPath).Length;
        await Eventually.TrueAsync(() => new FileInfo(instance.LogPath).Length != length, "more output");
        var firstLine = File.ReadLines(instance.LogPath).FirstOrDefault() ?? "";
        Assert.DoesNotContain('\0', firstLine);
    }
}
