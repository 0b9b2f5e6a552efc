using Slipway.Local.Logs;

namespace Slipway.Local.Tests;

public sealed class LogRotatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("slipway-rotator-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Copies_and_truncates_shifting_older_copies_and_dropping_the_oldest()
    {
        var log = Path.Combine(_dir, "i.log");
        for (var generation = 1; generation <= 5; generation++)
        {
            File.WriteAllText(log, new string((char)('0' + generation), 20));
            Assert.True(LogRotator.RotateIfLarger(log, maxBytes: 10, keep: 3, DateTimeOffset.UnixEpoch));
            Assert.Equal(0, new FileInfo(log).Length);
        }

        Assert.Equal(new string('5', 20), File.ReadAllText(log + ".1"));
        Assert.Equal(new string('4', 20), File.ReadAllText(log + ".2"));
        Assert.Equal(new string('3', 20), File.ReadAllText(log + ".3"));
        Assert.False(File.Exists(log + ".4"));
    }

    [Fact]
    public void Leaves_a_small_or_missing_file_alone()
    {
        var log = Path.Combine(_dir, "small.log");
        File.WriteAllText(log, "12345");
        Assert.False(LogRotator.RotateIfLarger(log, maxBytes: 10, keep: 3, DateTimeOffset.UnixEpoch));
        Assert.False(LogRotator.RotateIfLarger(Path.Combine(_dir, "missing.log"), maxBytes: 10, keep: 3, DateTimeOffset.UnixEpoch));
        Assert.Equal("12345", File.ReadAllText(log));
    }
}
