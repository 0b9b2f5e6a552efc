using System.Globalization;
using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using YamlDotNet.Serialization;

namespace Slipway.Cli.Tests.Output;

/// <summary>
/// -o yaml read back by a real YAML parser (YamlDotNet, resolving the types of plain scalars) gives the JSON document
/// it was made from: the same fields in the same order, and the same types.
/// </summary>
public sealed class YamlTextTests
{
    private static readonly string[] Tricky =
    [
        "", " ", "  leading", "trailing ", "true", "True", "FALSE", "null", "Null", "~", "yes", "no", "on", "Off", "y", "N",
        "3", "-5", "+1", "1.10", ".5", "1e3", "0x1F", "0o17", "017", "1_000", "1:20", ".inf", "-.inf", ".nan",
        "2026-11-23T22:10:05Z", "2026-11-23", "127.0.0.1:8080", "<<", "=", "- x", "-", "a: b", "a:b", "x #y", "#comment",
        "@at", "`tick", "*star", "&anchor", "!tag", "%pct", "{brace}", "[bracket]", ",comma", "?q", "|pipe", ">gt",
        "'single'", "\"double\"", "multi\nline\n", "tab\there", "ünïcödé ✓", "back\\slash", "bell\u0007",
    ];

    [Fact]
    public void Strings_a_yaml_reader_could_take_for_something_else_come_back_as_the_same_strings()
    {
        var document = new JsonObject();
        for (var i = 0; i < Tricky.Length; i++)
        {
            document[$"s{i}"] = Tricky[i];
        }

        var yaml = YamlText.From(document);

        var back = ReadBack(yaml);
        Assert.True(JsonNode.DeepEquals(document, back), $"{yaml}\nread back as\n{back}");
    }

    [Fact]
    public void Numbers_booleans_and_nulls_stay_numbers_booleans_and_nulls_in_the_same_order()
    {
        var document = JsonNode.Parse("""
            {"app": "web", "ready": 3, "weight": -10, "rate": 0.25, "tiny": 1E-05, "big": 9007199254740993, "ok": true, "paused": false,
             "reason": null, "weights": {"stable": 90, "canary": 10}, "empty": {}, "none": [], "nested": [[1, "2"], [null, {"k": "v"}]],
             "123": "a key that looks like a number", "true": "and one like a boolean"}
            """)!;

        var yaml = YamlText.From(document);

        Assert.StartsWith("app: web\nready: 3\nweight: -10\nrate: 0.25\n", yaml, StringComparison.Ordinal);
        Assert.Contains("reason: null\n", yaml, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(document, ReadBack(yaml)), $"{yaml}\nread back as\n{ReadBack(yaml)}");
        Assert.Equal(document.AsObject().Select(p => p.Key), ((JsonObject)ReadBack(yaml)!).Select(p => p.Key));
    }

    [Fact]
    public void A_timestamp_is_quoted_as_kubectl_quotes_creation_timestamps()
    {
        Assert.Equal("createdAt: \"2026-11-23T22:10:05Z\"\n", YamlText.From(new JsonObject { ["createdAt"] = "2026-11-23T22:10:05Z" }));
        Assert.Equal("phase: Healthy\n", YamlText.From(new JsonObject { ["phase"] = "Healthy" }));
    }

    [Fact]
    public void A_list_at_the_top_is_a_yaml_sequence_and_an_empty_one_is_brackets()
    {
        Assert.Equal("- app: web\n  ready: 1\n", YamlText.From(JsonNode.Parse("""[{"app": "web", "ready": 1}]""")));
        Assert.Equal("[]\n", YamlText.From(new JsonArray()));
    }

    /// <summary>The YAML as YamlDotNet reads it, plain scalars resolved to null, booleans and numbers, turned into JSON.</summary>
    private static JsonNode? ReadBack(string yaml) =>
        ToJson(new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object?>(yaml));

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        Dictionary<object, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(Key(p.Key), ToJson(p.Value)))),
        List<object?> list => new JsonArray([.. list.Select(ToJson)]),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        byte or sbyte or short or ushort or int or uint or long or ulong or decimal => JsonNode.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!),
        float f => JsonNode.Parse(f.ToString("R", CultureInfo.InvariantCulture)), // YamlDotNet reads 1E-05 as a float
        double d => JsonNode.Parse(d.ToString("R", CultureInfo.InvariantCulture)),
        _ => throw new InvalidOperationException($"YAML read back a {value.GetType().Name}: {value}"),
    };

    /// <summary>A mapping key must come back as a string: a key read as a number or a boolean was not quoted.</summary>
    private static string Key(object key) => key as string ?? throw new InvalidOperationException($"a key read back as {key.GetType().Name}: {key}");
}
