using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Router.AccessLog;
using Slipway.Router.Metrics;
using Slipway.Router.Tests.Infrastructure;

namespace Slipway.Router.Tests;

/// <summary>
/// The access log stays within its size limit times the files kept, however much traffic it records: the current
/// file holds the newest lines, <c>access.log.1</c> the ones before, and no line is lost between them.
/// </summary>
public sealed class AccessLogRotationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("slipway-access-log-").FullName;

    private string LogPath => Path.Combine(_directory, "access.log");

    [Fact]
    public async Task Many_lines_stay_within_the_size_and_the_count_of_files_and_the_newest_are_in_the_current_file()
    {
        const long maxBytes = 4096;
        const int kept = 3;
        const int lines = 5000; // about 1 MB of lines: many times what the files may hold

        await WriteAsync(lines, maxBytes, kept);

        var files = LogFiles();
        Assert.Equal(["access.log", "access.log.1", "access.log.2", "access.log.3"], files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, maxBytes));
        Assert.InRange(files.Sum(f => new FileInfo(f).Length), 1, (kept + 1) * maxBytes);

        // Oldest kept file first: every line is whole, and they follow each other without a gap up to the last one,
        // which is in the current file.
        var ids = files.AsEnumerable().Reverse().SelectMany(File.ReadLines).Select(RequestNumber).ToList();
        Assert.Equal(lines - 1, ids[^1]);
        Assert.Equal(Enumerable.Range(ids[0], ids.Count), ids);
        Assert.Equal(lines - 1, File.ReadLines(LogPath).Select(RequestNumber).Last());
    }

    [Fact]
    public async Task A_file_over_the_limit_when_the_router_starts_is_rotated_and_files_beyond_the_count_kept_are_deleted()
    {
        // Left by a router that ran with a larger limit and more files kept.
        await File.WriteAllTextAsync(LogPath, new string('x', 10_000) + "\n");
        await File.WriteAllTextAsync(LogPath + ".7", "old\n");
        await File.WriteAllTextAsync(LogPath + ".notes", "not a rotated file\n");

        await WriteAsync(lines: 3, maxBytes: 4096, rotatedFiles: 2);

        Assert.Equal(["access.log", "access.log.1"], LogFiles().Select(Path.GetFileName));
        Assert.Equal(10_001, new FileInfo(LogPath + ".1").Length);
        Assert.Equal([0, 1, 2], File.ReadLines(LogPath).Select(RequestNumber));
        Assert.True(File.Exists(LogPath + ".notes"));
    }

    [Fact]
    public async Task With_no_rotated_file_kept_the_file_starts_over()
    {
        await WriteAsync(lines: 2000, maxBytes: 4096, rotatedFiles: 0);

        Assert.Equal(["access.log"], LogFiles().Select(Path.GetFileName));
        Assert.InRange(new FileInfo(LogPath).Length, 1, 4096);
        Assert.Equal(1999, File.ReadLines(LogPath).Select(RequestNumber).Last());
    }

    [Fact]
    public async Task The_router_rotates_its_access_log_as_its_options_say()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var router = await RouterHarness.StartAsync(
            RouterHarness.Table(1, new BackendGroup("1", 100, [backend.Address])),
            options => options with { AccessLogPath = LogPath, AccessLogMaxBytes = 2048, AccessLogRotatedFiles = 2 });

        for (var i = 0; i < 100; i++)
        {
            await router.Client.GetStringAsync($"/items/{i}");
        }

        await Eventually.TrueAsync(
            () => File.Exists(LogPath) && File.ReadLines(LogPath).Any(l => l.Contains("\"/items/99\"", StringComparison.Ordinal)),
            "the last request in the current access log file");
        var files = LogFiles();
        Assert.Equal(["access.log", "access.log.1", "access.log.2"], files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 2048));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task WriteAsync(int lines, long maxBytes, int rotatedFiles)
    {
        var time = TimeProvider.System;
        // A channel that holds every line: the test is about rotation, not about dropping lines under pressure.
        await using var writer = new AccessLogWriter(LogPath, maxBytes, rotatedFiles, capacity: lines + 1, new RouterMetrics(time), time, NullLogger.Instance);
        for (var i = 0; i < lines; i++)
        {
            writer.Write(new AccessLogEntry(
                time.GetUtcNow(), i.ToString("D6", CultureInfo.InvariantCulture), "GET", "web.test", $"/items/{i}", 200, 1.5,
                "web", "prod", "3", "127.0.0.1:5001", 120, Retried: false, Mirror: false));
        }
    }

    /// <summary>The access log and its rotated files, by name (the current file, then .1, .2 …).</summary>
    private List<string> LogFiles() =>
        Directory.EnumerateFiles(_directory, "access.log*")
            .Where(f => Path.GetFileName(f) == "access.log" || Path.GetExtension(f).TrimStart('.').All(char.IsAsciiDigit))
            .OrderBy(f => Path.GetFileName(f) == "access.log" ? 0 : int.Parse(Path.GetExtension(f).TrimStart('.'), CultureInfo.InvariantCulture))
            .ToList();

    private static int RequestNumber(string line)
    {
        using var json = JsonDocument.Parse(line);
        return int.Parse(json.RootElement.GetProperty("requestId").GetString()!, CultureInfo.InvariantCulture);
    }
}
