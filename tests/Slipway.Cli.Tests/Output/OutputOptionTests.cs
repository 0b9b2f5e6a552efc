using System.CommandLine;
using Slipway.Cli.Commands;
using Slipway.Cli.Output;

namespace Slipway.Cli.Tests.Output;

public sealed class OutputOptionTests
{
    [Theory]
    [InlineData("text", "Text")]
    [InlineData("json", "Json")]
    [InlineData("yaml", "Yaml")]
    [InlineData("wide", "Wide")]
    [InlineData("name", "Name")]
    public void Every_format_is_taken_by_its_name(string name, string format)
    {
        var expected = Enum.Parse<OutputFormat>(format);
        var option = CommandParts.OutputOption();
        var result = new RootCommand { option }.Parse(["-o", name]);

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.GetValue(option));
    }

    [Fact]
    public void Text_is_the_default()
    {
        var option = CommandParts.OutputOption();
        Assert.Equal(OutputFormat.Text, new RootCommand { option }.Parse([]).GetValue(option));
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("JSON")]
    [InlineData("")]
    public void Another_word_is_refused_with_the_list_of_formats(string name)
    {
        var result = new RootCommand { CommandParts.OutputOption() }.Parse(["--output", name]);

        Assert.Equal($"--output '{name}': expected one of text, json, yaml, wide, name", Assert.Single(result.Errors).Message);
    }
}
