using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Slipway.Router.Metrics;

namespace Slipway.Router.AccessLog;

/// <summary>
/// Writes the access log — one JSON object per line — from a background task. Requests only enqueue into a bounded
/// channel and never wait; the writer wakes a few times a second and writes what accumulated. When it falls behind
/// (a full channel), lines are dropped and counted
/// (<c>slipway_router_access_log_dropped_total</c>), because a slow disk must not slow the traffic. The file is
/// rotated by size (see <see cref="AccessLogFile"/>), so the log never takes more than its limit times the files kept.
/// </summary>
internal sealed class AccessLogWriter : IAsyncDisposable
{
    private const int FlushThreshold = 32 * 1024;

    // Waking the writer for every line costs more than formatting it (a thread-pool hop and a write per request);
    // waking it a few times a second batches thousands of lines per write, like nginx's access_log buffer/flush.
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Log files are read by people and line-oriented tools; HTML-safe escaping of '<' or '&' only hurts there.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Channel<AccessLogEntry> _channel;
    private readonly RouterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly string? _path;
    private readonly long _maxBytes;
    private readonly int _rotatedFiles;
    private readonly Task _pump;

    private readonly TimeProvider _timeProvider;

    /// <param name="path">The file; standard output when null.</param>
    /// <param name="maxBytes">The size at which the file is rotated.</param>
    /// <param name="rotatedFiles">Rotated files kept beside it (<c>name.1</c> … <c>name.N</c>).</param>
    public AccessLogWriter(string? path, long maxBytes, int rotatedFiles, int capacity, RouterMetrics metrics, TimeProvider timeProvider, ILogger logger)
    {
        _timeProvider = timeProvider;
        _path = path;
        _maxBytes = maxBytes;
        _rotatedFiles = rotatedFiles;
        _metrics = metrics;
        _logger = logger;
        _channel = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite, "wait" means "refuse": the caller drops.
        });
        _pump = Task.Run(PumpAsync);
    }

    public void Write(AccessLogEntry entry)
    {
        if (!_channel.Writer.TryWrite(entry))
        {
            _metrics.RecordAccessLogDropped();
        }
    }

    /// <summary>Stops accepting lines and waits until the queued ones are written.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        var reader = _channel.Reader;
        try
        {
            await using var file = AccessLogFile.Open(_path, _maxBytes, _rotatedFiles, _logger);
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            await using var json = new Utf8JsonWriter(buffer, JsonOptions);
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var entry))
                {
                    var lineStart = buffer.WrittenCount;
                    Format(json, entry);
                    json.Flush();
                    json.Reset();
                    buffer.Write("\n"u8);
                    if (file.IsFullFor(lineStart, buffer.WrittenCount - lineStart))
                    {
                        // This line would take the file past its limit: the lines before it end the file, it starts
                        // the next one. Rare (once per file), so copying the line aside costs nothing that matters.
                        var line = buffer.WrittenSpan[lineStart..].ToArray();
                        await file.WriteAsync(buffer.WrittenMemory[..lineStart]).ConfigureAwait(false);
                        buffer.ResetWrittenCount();
                        await file.RotateAsync().ConfigureAwait(false);
                        buffer.Write(line);
                    }

                    if (buffer.WrittenCount >= FlushThreshold)
                    {
                        await file.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                        buffer.ResetWrittenCount();
                    }
                }

                // Caught up: make what we have visible before waiting for more.
                if (buffer.WrittenCount > 0)
                {
                    await file.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                    buffer.ResetWrittenCount();
                }

                await file.FlushAsync().ConfigureAwait(false);
                if (!reader.Completion.IsCompleted)
                {
                    await Task.Delay(BatchInterval, _timeProvider).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e)
        {
            Log.AccessLogFailed(_logger, e);
            // Keep draining so producers see a full channel as "dropped", never a blocked writer.
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out _))
                {
                    _metrics.RecordAccessLogDropped();
                }
            }
        }
    }

    private static void Format(Utf8JsonWriter json, AccessLogEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("time", entry.Time.UtcDateTime);
        json.WriteString("requestId", entry.RequestId);
        json.WriteString("method", entry.Method);
        json.WriteString("host", entry.Host);
        json.WriteString("path", entry.Path);
        json.WriteNumber("status", entry.Status);
        json.WriteNumber("durationMs", Math.Round(entry.DurationMs, 3));
        json.WriteString("app", entry.App);
        json.WriteString("env", entry.Env);
        json.WriteString("revision", entry.Revision);
        json.WriteString("upstream", entry.Upstream);
        json.WriteNumber("bytesSent", entry.BytesSent);
        json.WriteBoolean("retried", entry.Retried);
        json.WriteBoolean("mirror", entry.Mirror);
        json.WriteEndObject();
    }
}
