using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Core.Images;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class PoliciesOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly ImagePolicyView Prod = new("prod-images", ["prod", "staging"], new SignaturePolicy(["release", "release-2027"]), new VulnerabilityPolicy(VulnerabilitySeverity.Critical), Now.AddDays(-3));

    private static readonly ImagePolicyView Team = new("team", ["prod"], new SignaturePolicy(["ci"]), null, Now.AddMinutes(-5));

    [Fact]
    public void Text_lists_each_policy_with_what_it_asks_in_name_order()
    {
        var text = Printer.Render(OutputFormat.Text, PoliciesOutput.Create(new JsonArray(), [Team, Prod], null, Now));

        Assert.Equal(
            """
            NAME          ENVIRONMENTS   SIGNATURES                    VULNERABILITIES      AGE
            prod-images   prod,staging   one of release,release-2027   refuse at critical   3d
            team          prod           ci                            -                    5m

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Wide_adds_when_each_last_changed_and_names_are_imagepolicy_slash_name()
    {
        var wide = Printer.Render(OutputFormat.Wide, PoliciesOutput.Create(new JsonArray(), [Prod], null, Now)).Split('\n');
        var names = Printer.Render(OutputFormat.Name, PoliciesOutput.Create(new JsonArray(), [Prod, Team], null, Now));

        Assert.EndsWith("UPDATED", wide[0], StringComparison.Ordinal);
        Assert.EndsWith("2026-11-21 12:00:00Z", wide[1], StringComparison.Ordinal);
        Assert.Equal("imagepolicy/prod-images\nimagepolicy/team\n", names);
    }

    [Fact]
    public void An_empty_list_says_so_for_every_environment_or_the_one_asked_for()
    {
        Assert.Equal("No image policies found.", PoliciesOutput.Create(new JsonArray(), [], null, Now).EmptyMessage);
        Assert.Equal("No image policies name dev: every image may run there.", PoliciesOutput.Create(new JsonArray(), [], "dev", Now).EmptyMessage);
    }
}
