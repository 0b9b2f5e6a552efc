namespace Slipway.Cli.Watch;

/// <summary>
/// The loop behind <c>status APP --watch</c> and <c>get apps --watch</c>. The server has no watch stream, so it polls
/// the status API once a second. On a terminal it redraws a live view in place (<see cref="TerminalFrame"/>); when the
/// output is not a terminal (a pipe, a file, a CI log) it prints one line per change instead, each keyed thing (an app)
/// getting a new line only when its line differs from the last one printed. It runs until cancelled (Ctrl-C), which
/// the command reports as exit code 130 like every interrupted command; the terminal's cursor is restored first.
/// </summary>
internal sealed class WatchLoop<T>(
    Func<CancellationToken, Task<T>> fetch,
    Func<T, IReadOnlyList<(string Key, string Line)>> lines,
    Func<string, string> gone,
    Func<T, DateTimeOffset, IReadOnlyList<string>> frame,
    TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Whether the watch draws a terminal view: stdout is a terminal that understands cursor movement.</summary>
    public static bool OnTerminal =>
        !Console.IsOutputRedirected && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    public async Task RunAsync(CancellationToken ct)
    {
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
