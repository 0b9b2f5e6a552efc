using System.Globalization;
using System.Text;

namespace Slipway.Cli.Output;

/// <summary>
/// A table as kubectl prints one: upper-case headers, every column as wide as its widest cell plus three spaces, the
/// last column not padded, so a long name never breaks the alignment and lines carry no trailing blanks.
/// Widths count characters as a terminal shows them (text elements), not UTF-16 units.
/// </summary>
internal static class TextTable
{
    private const int Gap = 3;

    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var all = new List<IReadOnlyList<string>> { headers };
        foreach (var row in rows)
        {
            if (row.Count != headers.Count)
            {
                throw new ArgumentException($"a row of {row.Count} cells in a table of {headers.Count} columns", nameof(rows));
            }

            all.Add(row);
        }

        var widths = Enumerable.Range(0, headers.Count).Select(c => all.Max(r => Width(r[c]))).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Count; c++)
            {
                line.Append(row[c]);
                if (c < row.Count - 1)
                {
                    line.Append(' ', widths[c] - Width(row[c]) + Gap);
                }
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    private static int Width(string cell) => new StringInfo(cell).LengthInTextElements;
}
