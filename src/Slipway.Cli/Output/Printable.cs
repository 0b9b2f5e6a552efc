using System.Text.Json.Nodes;

namespace Slipway.Cli.Output;

/// <summary>
/// What a command shows, in every form <see cref="Printer"/> prints: the API's JSON document (json, yaml), one
/// <c>kind/name</c> per object (name), and text (text, wide).
/// </summary>
internal interface IPrintable
{
    /// <summary>The API's document, as the server sent it.</summary>
    JsonNode Document { get; }

    /// <summary>One <c>kind/name</c> per object, as kubectl's <c>-o name</c>.</summary>
    IEnumerable<string> Names();

    /// <summary>The text form; <paramref name="wide"/> adds detail (columns) to it.</summary>
    string Text(bool wide);

    /// <summary>Said on stderr instead of an empty table (text and wide only): "No apps found in dev.".</summary>
    string? EmptyMessage { get; }
}
