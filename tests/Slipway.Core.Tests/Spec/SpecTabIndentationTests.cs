using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>A tab used for indentation is a YAML error; it is reported at the tab, not at line 1.</summary>
public sealed class SpecTabIndentationTests
{
    [Theory]
    [InlineData("apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata:\n\tname: web\n", 4, 1)]
    [InlineData("apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  artifact:\n\tpath: out\n  command: x\n", 7, 1)]
    [InlineData("apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  command: x\n  args:\n  \t- a\n", 8, 3)]
    public void A_tab_in_the_indentation_is_reported_at_its_line_and_column(string yaml, int line, int column)
    {
        var error = SingleError(yaml);

        AssertError(error, line, column, "(file)", "a tab is used for indentation: indent with spaces");
    }

    [Fact]
    public void A_tab_inside_a_value_is_kept()
    {
        var manifest = ParseOne(Minimal + "\n  env:\n    - {name: A, value: \"a\tb\"}\n");

        Assert.Equal("a\tb", Assert.Single(manifest.Spec.Template.Env).Value);
    }
}
