using System.Text;

namespace Slipway.Docker.Images;

/// <summary>
/// Turns the build's output chunks (a RUN step writes whatever it writes, with or without newlines) into whole lines,
/// so a terminal shows one line per callback.
/// </summary>
internal sealed class LineSplitter(Action<string> onLine)
{
    private readonly StringBuilder _pending = new();

    public void Add(string chunk)
    {
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                Flush();
            }
            else if (c != '\r')
            {
                _pending.Append(c);
            }
        }
    }

    /// <summary>Emits the last line when it did not end with a newline.</summary>
    public void Flush()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        onLine(_pending.ToString());
        _pending.Clear();
    }
}
