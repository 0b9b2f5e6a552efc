using System.Text;

namespace Slipway.Oci.Signing;

/// <summary>
/// Writes JSON the way Go's <c>encoding/json</c> <c>Marshal</c> does, because cosign's payloads, signature manifests
/// and configs are Go-marshalled and a signature covers the exact bytes: no whitespace, struct fields in declaration
/// order (the caller writes them in that order), map keys sorted by byte order, and Go's string escaping — <c>&lt;</c>,
/// <c>&gt;</c> and <c>&amp;</c> as <c>\u003c</c> <c>\u003e</c> <c>\u0026</c>, U+2028/U+2029 escaped, other non-ASCII
/// written as UTF-8 (System.Text.Json's default encoder escapes <c>+</c> and all non-ASCII, so it cannot be used).
/// Followed: go/src/encoding/json/encode.go, <c>appendString</c> and <c>mapEncoder</c>.
/// </summary>
internal sealed class GoJson
{
    private const string Hex = "0123456789abcdef";

    private readonly StringBuilder _text = new();

    public GoJson Raw(string json)
    {
        _text.Append(json);
        return this;
    }

    public GoJson String(string value)
    {
        _text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\b': _text.Append("\\b"); break;
                case '\f': _text.Append("\\f"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    _text.Append("\\u").Append(Hex[(c >> 12) & 0xF]).Append(Hex[(c >> 8) & 0xF]).Append(Hex[(c >> 4) & 0xF]).Append(Hex[c & 0xF]);
                    break;
                default:
                    // Go writes invalid UTF-8 as U+FFFD; in .NET that is a lone surrogate.
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        _text.Append(c).Append(value[++i]);
                    }
                    else if (char.IsSurrogate(c))
                    {
                        _text.Append('\uFFFD');
                    }
                    else
                    {
                        _text.Append(c);
                    }

                    break;
            }
        }

        _text.Append('"');
        return this;
    }

    /// <summary>A <c>map[string]string</c>: keys sorted by their UTF-8 bytes, as Go sorts map keys.</summary>
    public GoJson StringMap(IReadOnlyDictionary<string, string> map)
    {
        _text.Append('{');
        var first = true;
        foreach (var (key, value) in map.OrderBy(pair => Encoding.UTF8.GetBytes(pair.Key), ByteOrder.Instance))
        {
            if (!first)
            {
                _text.Append(',');
            }

            first = false;
            String(key).Raw(":").String(value);
        }

        _text.Append('}');
        return this;
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    public override string ToString() => _text.ToString();

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
