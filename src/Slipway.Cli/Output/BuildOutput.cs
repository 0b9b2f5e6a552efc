using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Server.Build;

namespace Slipway.Cli.Output;

/// <summary>
/// What <c>slipway build</c> prints once the image is pushed, in every output format. Text (and wide): the pushed
/// reference by digest, the tags, the labels, the lint's findings, the size, who recorded it, and the line a spec uses
/// to run it. Json and yaml: the API's document (<see cref="BuiltImageView"/>). Name: <c>image/REGISTRY/NAME@sha256:…</c>.
/// </summary>
internal sealed class BuildOutput(JsonNode document, BuiltImageView image) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => null;

    public static BuildOutput Create(JsonNode document, BuiltImageView image) => new(document, image);

    public IEnumerable<string> Names() => [$"image/{image.Image}"];

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        text.AppendLine();
        Field(text, "image", [image.Image]);
        Field(text, "tags", [string.Join(", ", image.Tags)]);
        Field(text, "labels", image.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}").DefaultIfEmpty("none").ToList());
        Field(text, "lint", image.Lint.Select(f => f.Text).DefaultIfEmpty("no findings").ToList());
        Field(text, "size", [Size(image.Size)]);
        Field(text, "recorded", [$"by {image.RecordedBy}, as a release artifact: artifact: {{image: {image.Image}}}"]);
        return text.ToString();
    }

    private static void Field(StringBuilder text, string name, IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            text.Append((i == 0 ? name + ":" : "").PadRight(10)).AppendLine(lines[i]);
        }
    }

    /// <summary>In MiB with one decimal (the unit the size budget is given in), bytes below one.</summary>
    internal static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.0} MiB");
}
