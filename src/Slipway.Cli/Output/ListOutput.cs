using System.Text.Json.Nodes;

namespace Slipway.Cli.Output;

/// <summary>
/// A list of objects (apps today, more later) in every output format: the API's array for json and yaml, one
/// <c>kind/name</c> per item, and a table of <see cref="Column{T}"/>s for text and wide. A new list only declares its columns.
/// </summary>
internal sealed class ListOutput<T>(JsonNode document, IReadOnlyList<T> items, IReadOnlyList<Column<T>> columns, Func<T, string> name, string emptyMessage) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => items.Count == 0 ? emptyMessage : null;

    public IEnumerable<string> Names() => items.Select(name);

    public string Text(bool wide)
    {
        var shown = columns.Where(c => wide || !c.WideOnly).ToList();
        return TextTable.Render(shown.Select(c => c.Header).ToList(), items.Select(i => (IReadOnlyList<string>)shown.Select(c => c.Cell(i)).ToList()));
    }
}
