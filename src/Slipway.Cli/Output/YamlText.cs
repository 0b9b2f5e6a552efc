using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Slipway.Cli.Output;

/// <summary>
/// A JSON document as YAML, for <c>-o yaml</c>: the same fields in the same order, block style, and the same types
/// when read back — numbers, booleans and nulls plain, and a string double-quoted whenever a YAML reader (1.1 or
/// 1.2) could take it for something else: <c>"true"</c>, <c>"null"</c>, <c>"3"</c>, <c>"1.10"</c>, a timestamp
/// (as kubectl quotes <c>creationTimestamp</c>). Other strings are plain when YamlDotNet's emitter allows it.
/// </summary>
internal static partial class YamlText
{
    public static string From(JsonNode? document)
    {
        using var text = new StringWriter { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, document);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>Whether <paramref name="value"/>, written plain, could be read back as anything but that string.</summary>
    public static bool NeedsQuotes(string value) => value.Length == 0 || NotAString().IsMatch(value);

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(Plain("null"));
                break;
            case JsonObject map:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in map)
                {
                    emitter.Emit(Text(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray list:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                emitter.Emit(value.GetValueKind() switch
                {
                    JsonValueKind.String => Text(value.GetValue<string>()),
                    JsonValueKind.True => Plain("true"),
                    JsonValueKind.False => Plain("false"),
                    JsonValueKind.Number => Plain(value.ToJsonString()), // the number as the server wrote it
                    var kind => throw new InvalidOperationException($"a JSON value of kind {kind}"),
                });
                break;
        }
    }

    private static Scalar Plain(string value) => new(AnchorName.Empty, TagName.Empty, value, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false);

    private static Scalar Text(string value) =>
        new(AnchorName.Empty, TagName.Empty, value, NeedsQuotes(value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, isPlainImplicit: true, isQuotedImplicit: true);

    /// <summary>
    /// Plain scalars a YAML 1.1 or 1.2 reader resolves to another type: null and booleans in every spelling
    /// (yes/no/on/off/y/n are YAML 1.1's), merge and value keys, and anything that starts like a number, a
    /// timestamp, .inf or .nan (a sign, a digit or a dot first). Wider than needed (1.2.3 gets quotes), never narrower.
    /// </summary>
    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|<<|=)$|^[-+]?[.0-9]")]
    private static partial Regex NotAString();
}
