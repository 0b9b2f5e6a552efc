namespace Slipway.Cli.Output;

/// <summary>
/// Prints an <see cref="IPrintable"/> in the format of <c>-o</c>: the one place that decides what each format is,
/// so every command that lists or shows something offers all of them alike.
/// </summary>
internal static class Printer
{
    public static void Print(OutputFormat format, IPrintable printable, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(printable);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (format is OutputFormat.Text or OutputFormat.Wide && printable.EmptyMessage is { } empty)
        {
            // As kubectl's "No resources found": on stderr, so a script reading stdout sees no rows, and a success.
            stderr.WriteLine(empty);
            return;
        }

        stdout.Write(Render(format, printable));
    }

    /// <summary>The text printed on stdout for <paramref name="format"/>, ending with a line break (empty when there is nothing).</summary>
    public static string Render(OutputFormat format, IPrintable printable)
    {
        ArgumentNullException.ThrowIfNull(printable);
        return format switch
        {
            OutputFormat.Json => JsonText.Indented(printable.Document) + "\n",
            OutputFormat.Yaml => YamlText.From(printable.Document),
            OutputFormat.Name => string.Concat(printable.Names().Select(n => n + "\n")),
            OutputFormat.Wide => printable.Text(wide: true),
            _ => printable.Text(wide: false),
        };
    }
}
