namespace Slipway.Cli.Watch;

/// <summary>
/// The loop behind <c>status APP --watch</c> and <c>get apps --watch</c>. The server has no watch stream, so it polls
/// the status API once a second. On a terminal it redraws a live view in place (<see cref="TerminalFrame"/>); when the
/// output is not a terminal (a pipe, a file, a CI log) it prints one line per change instead, each keyed thing (an app)
/// getting a new line only when its line differs from the last one printed. It runs until cancelled (Ctrl-C), which
/// the command reports as exit code 130 like every interrupted command; the terminal's cursor is restored first.
/// </summary>
internal static class WatchLoop
{
    /// <summary>How often the server is asked: often enough for a countdown, rarely enough to cost it nothing.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Whether the watch draws a terminal view: stdout is a terminal that understands cursor movement.</summary>
    public static bool OnTerminal =>
        !Console.IsOutputRedirected && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <param name="fetch">Reads the current state from the server.</param>
    /// <param name="lines">The state as keyed lines, for output that is not a terminal.</param>
    /// <param name="gone">The line for a key that was there and is no more.</param>
    /// <param name="frame">The state as a terminal view at a moment (for countdowns).</param>
    public static async Task RunAsync<T>(
        Func<CancellationToken, Task<T>> fetch,
        Func<T, IReadOnlyList<(string Key, string Line)>> lines,
        Func<string, string> gone,
        Func<T, DateTimeOffset, IReadOnlyList<string>> frame,
        TimeProvider time,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(gone);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(time);
        if (OnTerminal)
        {
            using var screen = new TerminalFrame(Console.Out, TerminalFrame.ConsoleSize);
            while (true)
            {
                var value = await fetch(ct);
                screen.Draw(frame(value, time.GetUtcNow()));
                await Task.Delay(Interval, time, ct);
            }
        }

        var printed = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var current = lines(await fetch(ct));
            foreach (var (key, line) in current)
            {
                if (!printed.TryGetValue(key, out var last) || last != line)
                {
                    Console.WriteLine(line);
                    printed[key] = line;
                }
            }

            foreach (var key in printed.Keys.Except(current.Select(c => c.Key)).ToList())
            {
                Console.WriteLine(gone(key));
                printed.Remove(key);
            }

            await Task.Delay(Interval, time, ct);
        }
    }
}
