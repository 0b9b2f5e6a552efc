using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Slipway.Core.Spec.Parsing;

/// <summary>
/// Turns YAML text into one <see cref="SpecNode"/> tree per document, from YamlDotNet's parser
/// events, so that every node keeps its line and column and nothing is lost or rejected before
/// validation can look at it (duplicate keys, for one, are kept and reported later).
/// One instance loads one text.
/// </summary>
internal sealed partial class YamlDocumentLoader
{
    // Deep enough for any real spec; shallow enough that a hostile "[[[[…" cannot overflow the stack.
    private const int MaxDepth = 64;

    private const string StrTag = "tag:yaml.org,2002:str";

    private readonly string _text;
    private readonly IParser _parser;
    private readonly SpecErrorSink _errors;
    private readonly Dictionary<string, SpecNode> _anchors = new(StringComparer.Ordinal);

    // Flow collections ('[', '{') not yet closed, innermost last: where to point when the text ends inside one.
    private readonly Stack<SpecPosition> _openFlows = new();
    private SpecPosition _lastPosition = SpecPosition.Start;

    private YamlDocumentLoader(string text, SpecErrorSink errors)
    {
        _text = text;
        _parser = new Parser(new StringReader(text));
        _errors = errors;
    }

    /// <summary>
    /// Loads every document. A syntax error ends the stream (the parser cannot resynchronise);
    /// it is recorded in <paramref name="errors"/>, and the documents completed before it are still
    /// returned so that their own errors can be reported too. Empty documents (a trailing
    /// <c>---</c>) are skipped.
    /// </summary>
    public static IReadOnlyList<SpecNode> Load(string text, SpecErrorSink errors) =>
        new YamlDocumentLoader(text, errors).LoadAll();

    private List<SpecNode> LoadAll()
    {
        var documents = new List<SpecNode>();
        try
        {
            _parser.Consume<StreamStart>();
            while (!_parser.TryConsume<StreamEnd>(out _))
            {
                _parser.Consume<DocumentStart>();
                _anchors.Clear(); // anchors are scoped to their document
                var root = ReadNode(depth: 0);
                _parser.Consume<DocumentEnd>();
                if (root is not SpecScalar { IsNull: true })
                {
                    documents.Add(root);
                }
            }
        }
        catch (YamlException e) when (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindIndentationTab() is { } tab)
        {
            // YamlDotNet reports this one at the start of the text; the tab is after the last node read.
            _errors.Add(tab, SpecPath.File, "YAML syntax error: a tab is used for indentation: indent with spaces");
        }
        catch (YamlException e)
        {
            _errors.Add(ToPosition(e.Start), SpecPath.File, "YAML syntax error: " + StripPosition(e.Message));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, when the text ends inside a
            // flow collection; point at the collection that was left open.
            var at = _openFlows.Count > 0 ? _openFlows.Peek() : _lastPosition;
            _errors.Add(at, SpecPath.File, "YAML syntax error: the text ends inside this '[…]' or '{…}': is a closing bracket missing?");
        }
        catch (NestingTooDeepException e)
        {
            _errors.Add(e.At, SpecPath.File, $"YAML nesting deeper than {MaxDepth} levels");
        }

        return documents;
    }

    private SpecNode ReadNode(int depth)
    {
        var current = _parser.Current ?? throw new InvalidOperationException("no current event");
        var at = ToPosition(current.Start);
        _lastPosition = at;
        if (depth > MaxDepth)
        {
            throw new NestingTooDeepException(at);
        }

        switch (current)
        {
            case AnchorAlias alias:
                _parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    return target;
                }

                _errors.Add(at, SpecPath.File, $"unknown alias '*{alias.Value.Value}'");
                return new SpecScalar(at, "", ScalarKind.Null);

            case Scalar scalar:
                _parser.MoveNext();
                return Remember(scalar.Anchor, new SpecScalar(at, scalar.Value, Resolve(scalar)) { Form = FormOf(scalar), End = ToPosition(scalar.End) });

            case SequenceStart start:
            {
                OpenCollection(at, start.Style == SequenceStyle.Flow);
                var items = new List<SpecNode>();
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode(depth + 1));
                }

                CloseCollection(start.Style == SequenceStyle.Flow);
                return Remember(start.Anchor, new SpecSequence(at, items));
            }

            case MappingStart start:
            {
                OpenCollection(at, start.Style == MappingStyle.Flow);
                var entries = new List<SpecMappingEntry>();
                while (!_parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(depth + 1);
                    var value = ReadNode(depth + 1);
                    entries.Add(new SpecMappingEntry(key, value));
                }

                CloseCollection(start.Style == MappingStyle.Flow);
                return Remember(start.Anchor, new SpecMapping(at, entries));
            }

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }
    }

    private void OpenCollection(SpecPosition at, bool isFlow)
    {
        if (isFlow)
        {
            _openFlows.Push(at);
        }

        _parser.MoveNext();
    }

    private void CloseCollection(bool isFlow)
    {
        if (isFlow)
        {
            _openFlows.Pop();
        }
    }

    /// <summary>The first tab in a line's leading whitespace at or after the last node read (tabs inside values are fine).</summary>
    private SpecPosition? FindIndentationTab()
    {
        var lines = _text.Split('\n');
        for (var i = _lastPosition.Line - 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var indentation = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.IndexOf('\t', 0, indentation);
            if (tab >= 0)
            {
                return new SpecPosition(i + 1, tab + 1);
            }
        }

        return null;
    }

    private SpecNode Remember(AnchorName anchor, SpecNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }

    /// <summary>The YAML 1.2 core schema: only plain scalars are typed; quoted ones are strings.</summary>
    private static ScalarKind Resolve(Scalar scalar)
    {
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StrTag))
        {
            return ScalarKind.String;
        }

        var v = scalar.Value;
        return v switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Boolean,
            _ when IntegerPattern().IsMatch(v) => ScalarKind.Integer,
            _ when FloatPattern().IsMatch(v) => ScalarKind.Float,
            _ => ScalarKind.String,
        };
    }

    private static ScalarForm FormOf(Scalar scalar) => scalar.Style switch
    {
        ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => ScalarForm.Quoted,
        ScalarStyle.Literal or ScalarStyle.Folded => ScalarForm.Block,
        _ => ScalarForm.Plain,
    };

    private static SpecPosition ToPosition(Mark mark) =>
        new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; we give the position ourselves.
    private static string StripPosition(string message) => PositionPrefix().Replace(message, "");

    [GeneratedRegex(@"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    private sealed class NestingTooDeepException(SpecPosition at) : Exception
    {
        public SpecPosition At { get; } = at;
    }
}
