using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class SigningKeysOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);

    private static readonly SigningKeyView Release = new(
        "release-key", "3f2a9c41d07be0f4c6e1a9b2d5f8c0e7a4b1d6f3c8e2a5b9d0f7c4e1a8b3d6f2", true, "-----BEGIN PUBLIC KEY-----\n…\n", Now.AddHours(-3), "ana@laptop");

    private static readonly SigningKeyView Ci = new(
        "ci-key", "0c7d2e91ab44f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aa", false, "-----BEGIN PUBLIC KEY-----\n…\n", Now.AddDays(-2), "ci");

    [Fact]
    public void Text_lists_name_short_key_id_whether_it_signs_and_age_sorted_by_name()
    {
        var text = Printer.Render(OutputFormat.Text, SigningKeysOutput.Create(new JsonArray(), [Release, Ci], Now));

        Assert.Equal(
            """
            NAME          KEY ID         SIGNS                AGE
            ci-key        0c7d2e91ab44   no (verifies only)   2d
            release-key   3f2a9c41d07b   yes                  3h

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Wide_adds_the_whole_key_id_when_and_who_and_never_a_key()
    {
        var wide = Printer.Render(OutputFormat.Wide, SigningKeysOutput.Create(new JsonArray(), [Release], Now));

        Assert.Contains(Release.KeyId, wide, StringComparison.Ordinal);
        Assert.Contains("2026-11-24 11:00:00Z", wide, StringComparison.Ordinal);
        Assert.Contains("ana@laptop", wide, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", wide, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_the_empty_message_say_how_to_make_one()
    {
        Assert.Equal("key/ci-key\nkey/release-key\n", Printer.Render(OutputFormat.Name, SigningKeysOutput.Create(new JsonArray(), [Release, Ci], Now)));
        Assert.StartsWith("No signing keys yet: make one with `slipway keys generate NAME`", SigningKeysOutput.Create(new JsonArray(), [], Now).EmptyMessage, StringComparison.Ordinal);
    }
}
