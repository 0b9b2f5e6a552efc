using System.Text;

namespace Slipway.Server.Analysis.Providers;

/// <summary>
/// Reads a response body up to a bound, so that an endpoint answering a huge (or endless) body cannot fill the
/// server's memory: measurements read numbers, not downloads. And shows the start of a body in an error message.
/// </summary>
internal static class ResponseBody
{
    /// <summary>A Prometheus answer of a few thousand series fits with room to spare.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>How much of a body an error message shows.</summary>
    public const int SnippetChars = 200;

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int limit, CancellationToken ct)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > limit)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

    /// <summary>The first <see cref="SnippetChars"/> characters of a body, on one line (runs of white space become one
    /// space), marked when cut; "an empty body" for none.</summary>
    public static string Snippet(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return "an empty body";
        }

        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, SnippetChars * 4)]);
        var cut = text.Length > SnippetChars || body.Length > SnippetChars * 4;
        var shown = text.Length > SnippetChars ? text[..SnippetChars] : text;
        var line = string.Join(' ', shown.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return $"\"{line}{(cut ? "…" : "")}\"";
    }
}
