using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Slipway.Core.Config;

namespace Slipway.Cli.Output;

/// <summary>
/// <c>config APP</c> in every output format. Text: the app×env and its desired revision, a table of every env name in
/// the order instances get them — its source and value (a sensitive plain value masked, a secret's never: its key and
/// version) — then <c>requiredEnv</c>, each name satisfied or why not. Wide adds nothing. Name: <c>env/NAME</c> per name.
/// </summary>
internal sealed class ConfigOutput(JsonNode document, ConfigView config) : IPrintable
{
    public JsonNode Document => document;

    public string? EmptyMessage => null;

    public IEnumerable<string> Names() => config.Env.Select(e => $"env/{e.Name}");

    public string Text(bool wide)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{config.App} ({config.Environment}), revision {config.Revision}");
        text.Append(TextTable.Render(
            ["NAME", "SOURCE", "VALUE"],
            config.Env.Select(e => (IReadOnlyList<string>)[e.Name, Source(e.Source), Shown(e)])));
        if (config.RequiredEnv.Count > 0)
        {
            text.AppendLine();
            text.Append(TextTable.Render(
                ["REQUIRED", "SATISFIED", "PROBLEM"],
                config.RequiredEnv.Select(r => (IReadOnlyList<string>)[r.Name, r.Satisfied ? "yes" : "no", r.Problem ?? ""])));
        }

        return text.ToString();
    }

    /// <summary>What the VALUE column shows: never a secret's value.</summary>
    internal static string Shown(EnvSetting setting) => setting switch
    {
        { Secret: { } secret } => secret.Shown,
        { Source: ConfigSource.Slipway, Value: null } => $"({setting.Note ?? "set per instance"})",
        _ => setting.Value ?? "",
    };

    private static string Source(ConfigSource source) => source switch
    {
        ConfigSource.Secret => "secret",
        ConfigSource.Slipway => "slipway",
        _ => "value",
    };
}
