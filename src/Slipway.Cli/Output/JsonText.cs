using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slipway.Cli.Output;

/// <summary>
/// The one JSON style the CLI prints: the API's document, indented two spaces, with quotes, apostrophes and non-ASCII
/// letters left as they are (a terminal and jq read them; the \u0027 escapes meant for HTML pages protect nothing here).
/// Numbers keep the text the server sent.
/// </summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Style = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Indented(JsonNode? document) => document?.ToJsonString(Style) ?? "null";
}
