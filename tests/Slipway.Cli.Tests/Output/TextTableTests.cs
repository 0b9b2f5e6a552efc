using Slipway.Cli.Output;

namespace Slipway.Cli.Tests.Output;

public sealed class TextTableTests
{
    [Fact]
    public void Every_column_is_as_wide_as_its_widest_cell_so_a_long_name_never_breaks_the_alignment()
    {
        var text = TextTable.Render(
            ["APP", "PHASE", "URL"],
            [
                ["web", "Healthy", "http://web/"],
                ["a-very-long-application-name-indeed", "Progressing", "http://long/"],
            ]);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("APP                                   PHASE         URL", lines[0]);
        Assert.All(lines, l => Assert.Equal(lines[0].IndexOf("PHASE", StringComparison.Ordinal), ColumnStart(l, 1)));
        Assert.All(lines, l => Assert.Equal(lines[0].IndexOf("URL", StringComparison.Ordinal), ColumnStart(l, 2)));
    }

    [Fact]
    public void The_last_column_is_not_padded_and_lines_end_without_blanks()
    {
        var text = TextTable.Render(["A", "MESSAGE"], [["1", "short"], ["2", "a much longer message"], ["3", ""]]);

        Assert.All(text.Split('\n'), l => Assert.Equal(l.TrimEnd(), l));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Widths_count_what_a_terminal_shows_not_utf16_units()
    {
        // "é" written as e + combining accent is one character on screen and two UTF-16 units.
        var text = TextTable.Render(["NAME", "X"], [["cafe\u0301", "1"], ["abcd", "2"]]);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("cafe\u0301   1", lines[1]);
        Assert.Equal("abcd   2", lines[2]);
    }

    [Fact]
    public void A_row_with_a_missing_cell_is_a_defect_not_a_shifted_table()
    {
        Assert.Throws<ArgumentException>(() => TextTable.Render(["A", "B"], [["only one"]]));
    }

    /// <summary>Where the <paramref name="index"/>th cell starts (cells here hold no blanks).</summary>
    private static int ColumnStart(string line, int index)
    {
        var position = 0;
        for (var i = 0; i < index; i++)
        {
            position = line.IndexOf(' ', position);
            while (line[position] == ' ')
            {
                position++;
            }
        }

        return position;
    }
}
