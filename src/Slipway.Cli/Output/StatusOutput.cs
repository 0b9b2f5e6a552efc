using System.Text.Json.Nodes;
using Slipway.Server.Api;

namespace Slipway.Cli.Output;

/// <summary><c>status APP</c> in every output format: <see cref="StatusText"/> for text and wide, <c>app/NAME</c> for name.</summary>
internal sealed class StatusOutput(JsonNode document, StatusView status) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => null;

    public IEnumerable<string> Names() => [$"app/{status.App}"];

    public string Text(bool wide) => StatusText.Describe(status, wide);
}
