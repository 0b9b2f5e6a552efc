using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Slipway.Core.Spec.Parsing;

namespace Slipway.Core.Spec;

/// <summary>
/// The bytes of a spec file as text: UTF-8 only, and at most <see cref="MaxBytes"/>. A decoder that
/// replaced a bad byte with U+FFFD would apply a value the user never wrote, so a bad byte is refused
/// with its line and column instead.
/// </summary>
public static class SpecText
{
    /// <summary>
    /// The largest spec file accepted: 1 MiB, far above any real spec (a 12-service file of every
    /// environment is a few tens of KiB), and small enough to parse and keep in memory at once.
    /// </summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// The most spec text applied at once, all files together (<c>slipway apply -f DIR</c>): 2 MiB, room for dozens
    /// of services. Each file is still at most <see cref="MaxBytes"/>. Sent as JSON, where escaping can make a UTF-8
    /// byte three bytes (<c>\u00e9</c> for two), 2 MiB stays within the API's 8 MiB body limit.
    /// </summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    /// <summary>Decodes <paramref name="bytes"/> as UTF-8 (a leading byte-order mark is dropped).</summary>
    /// <returns>False, with an error naming the line and column of the first byte that is not UTF-8.</returns>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, string fileName, [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out SpecError? error)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (bytes.StartsWith(ByteOrderMark))
        {
            bytes = bytes[ByteOrderMark.Length..];
        }

        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done)
        {
            text = new string(chars, 0, written);
            error = null;
            return true;
        }

        // read is where the first invalid sequence starts; everything before it is valid UTF-8.
        var lineStart = bytes[..read].LastIndexOf((byte)'\n') + 1;
        var line = bytes[..read].Count((byte)'\n') + 1;
        var column = Encoding.UTF8.GetCharCount(bytes[lineStart..read]) + 1;
        text = null;
        error = new SpecError(fileName, line, column, SpecPath.File,
            $"not valid UTF-8 (byte 0x{bytes[read]:X2}): a spec file must be UTF-8 text; convert it (e.g. iconv -t UTF-8) and try again");
        return false;
    }

    /// <summary>The error for a file of <paramref name="bytes"/> bytes, above <see cref="MaxBytes"/>.</summary>
    public static SpecError TooLarge(string fileName, long bytes) =>
        new(fileName, 1, 1, SpecPath.File, $"the file is {FormatBytes(bytes)}; a spec file may be at most {FormatBytes(MaxBytes)}");

    /// <summary>
    /// The error for the file that brings the files applied together to <paramref name="total"/> bytes, above
    /// <see cref="MaxRequestBytes"/>.
    /// </summary>
    public static SpecError RequestTooLarge(string fileName, long total) =>
        new(fileName, 1, 1, SpecPath.File, $"with this file the files applied together are {FormatBytes(total)}; at most {FormatBytes(MaxRequestBytes)} may be applied at once: apply them in parts");

    /// <summary>Sizes as people read them, to a tenth: <c>512 B</c>, <c>1 MiB</c>, <c>50.5 MiB</c>.</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return $"{value.ToString(unit == 0 ? "0" : "0.#", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    /// <summary>
    /// Text that did not come from <see cref="TryDecode"/> (an API client's JSON string) may hold a lone
    /// UTF-16 surrogate, which no UTF-8 file can: it is reported where it is, like a bad byte.
    /// </summary>
    internal static void CheckCharacters(string text, SpecErrorSink errors)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                column++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                errors.Add(new SpecPosition(line, column), SpecPath.File, $"not valid text (a lone UTF-16 surrogate U+{(int)c:X4}): a spec must be UTF-8 text");
                return;
            }

            if (c == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
    }
}
