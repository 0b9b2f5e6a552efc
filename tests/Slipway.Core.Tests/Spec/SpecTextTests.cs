using System.Text;
using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>A spec is UTF-8 text of bounded size: a byte that is not UTF-8 is refused where it is, never silently replaced.</summary>
public sealed class SpecTextTests
{
    [Fact]
    public void Utf8_text_is_decoded_as_written_and_a_byte_order_mark_is_dropped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("value: café ✓\n")).ToArray();

        Assert.True(SpecText.TryDecode(bytes, FileName, out var text, out var error), error?.ToString());
        Assert.Equal("value: café ✓\n", text);
    }

    [Fact]
    public void A_byte_that_is_not_utf8_is_refused_with_its_line_and_column()
    {
        // "value: caf" then 0xE9, é in Latin-1: a file saved in the wrong encoding.
        var bytes = Encoding.UTF8.GetBytes("kind: Application\n  value: café\n  value: caf").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();

        Assert.False(SpecText.TryDecode(bytes, FileName, out var text, out var error));
        Assert.Null(text);
        AssertError(error!, 3, 13, "(file)", "not valid UTF-8 (byte 0xE9)");
    }

    [Fact]
    public void A_lone_surrogate_in_text_from_the_api_is_refused_with_its_line_and_column()
    {
        var error = Assert.Single(Errors(Minimal + "\n  args: [\"a\ud800b\"]\n"));

        AssertError(error, 9, 12, "(file)", "not valid text (a lone UTF-16 surrogate U+D800)");
    }

    [Fact]
    public void A_file_too_large_is_named_with_its_size_and_the_limit()
    {
        Assert.Equal(
            "web.yaml:1:1: (file): the file is 50 MiB; a spec file may be at most 1 MiB",
            SpecText.TooLarge("web.yaml", 50L * 1024 * 1024).ToString());
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(2L * 1024 * 1024 * 1024, "2 GiB")]
    [InlineData(50L * 1024 * 1024 + 300, "50 MiB")]
    public void Sizes_are_printed_as_people_read_them(long bytes, string expected)
    {
        Assert.Equal(expected, SpecText.FormatBytes(bytes));
    }
}
