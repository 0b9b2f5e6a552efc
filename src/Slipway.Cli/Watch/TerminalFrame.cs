using System.Globalization;
using System.Text;

namespace Slipway.Cli.Watch;

/// <summary>
/// Redraws a block of lines in place on a terminal, as <c>watch</c> or <c>top</c> do, without taking the screen
/// over: each frame moves the cursor back to where the previous one started and overwrites it, so the last frame
/// stays in the scrollback when the watch ends. Lines are cut to the terminal's width (a wrapped line would throw
/// the count of lines to move back off) and the frame to its height. The cursor is hidden while drawing and shown
/// again on <see cref="Dispose"/> — also when a Ctrl-C ends the watch — so the terminal is left usable.
/// </summary>
internal sealed class TerminalFrame : IDisposable
{
    private const string Escape = "\u001b[";

    private readonly TextWriter _output;
    private readonly Func<(int Width, int Height)> _size;
    private int _drawn;

    /// <param name="size">The terminal's columns and rows, read at each frame (it may be resized).</param>
    public TerminalFrame(TextWriter output, Func<(int Width, int Height)> size)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(size);
        _output = output;
        _size = size;
        _output.Write(Escape + "?25l");
        _output.Flush();
    }

    /// <summary>The size of the console the process writes to, with sane minimums when it cannot tell.</summary>
    public static (int Width, int Height) ConsoleSize()
    {
        try
        {
            return (Math.Max(Console.WindowWidth, 20), Math.Max(Console.WindowHeight, 5));
        }
        catch (IOException)
        {
            return (80, 24);
        }
    }

    public void Draw(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var (width, height) = _size();
        var shown = lines.Take(height - 1).Select(l => l.Length < width ? l : l[..(width - 1)]).ToList();
        var frame = new StringBuilder();
        if (_drawn > 0)
        {
            frame.Append('\r').Append(Escape).Append(_drawn.ToString(CultureInfo.InvariantCulture)).Append('A');
        }

        foreach (var line in shown)
        {
            // Clear what a longer line of the previous frame left to the right.
            frame.Append(line).Append(Escape).Append('K').Append('\n');
        }

        // And the lines a longer previous frame left below.
        frame.Append(Escape).Append('J');
        _output.Write(frame.ToString());
        _output.Flush();
        _drawn = shown.Count;
    }

    public void Dispose()
    {
        _output.Write(Escape + "?25h");
        _output.Flush();
    }
}
