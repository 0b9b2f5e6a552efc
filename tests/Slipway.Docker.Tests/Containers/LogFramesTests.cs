using System.Buffers.Binary;
using System.Text;
using Slipway.Docker.Containers;

namespace Slipway.Docker.Tests.Containers;

public sealed class LogFramesTests
{
    [Fact]
    public async Task Frames_are_split_by_their_8_byte_headers_into_stdout_and_stderr_with_nanosecond_times()
    {
        using var stream = new MemoryStream([
            .. Frame(1, "2026-11-24T12:17:34.050873213Z listening on 17650\n"),
            .. Frame(2, "2026-11-24T12:17:34.1Z warming up\n"),
            .. Frame(1, "2026-11-24T12:17:35Z partial"),
        ]);

        var entries = new List<ContainerLogEntry>();
        await foreach (var entry in LogFrames.ReadAsync(stream, CancellationToken.None))
        {
            entries.Add(entry);
        }

        var start = new DateTimeOffset(2026, 11, 24, 12, 17, 34, TimeSpan.Zero);
        Assert.Equal(
            [
                new ContainerLogEntry(ContainerLogStream.Stdout, start.AddTicks(508732), "listening on 17650\n"),
                new ContainerLogEntry(ContainerLogStream.Stderr, start.AddTicks(1_000_000), "warming up\n"),
                new ContainerLogEntry(ContainerLogStream.Stdout, start.AddSeconds(1), "partial"),
            ],
            entries);
    }

    [Fact]
    public void Since_is_unix_seconds_and_nanoseconds()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000).AddTicks(508_732);
        Assert.Equal("1764000000.050873200", LogFrames.Since(time));
    }

    [Fact]
    public async Task A_stream_from_a_TTY_container_is_refused_with_the_reason()
    {
        using var stream = new MemoryStream("hello world, no header"u8.ToArray());
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in LogFrames.ReadAsync(stream, CancellationToken.None))
            {
            }
        });
        Assert.Contains("TTY", error.Message);
    }

    private static byte[] Frame(byte kind, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
