using Slipway.Docker.Lint;

namespace Slipway.Docker.Tests.Lint;

public sealed class DockerfileTests
{
    [Fact]
    public void Instructions_keep_the_line_they_start_on_across_comments_and_continuations()
    {
        var dockerfile = Dockerfile.Parse("""
            # syntax=docker/dockerfile:1
            ARG BASE=debian

            FROM ${BASE} AS build
            # a comment
            RUN apt-get update && \
                # a comment inside the continuation
                apt-get install -y make

            env TOKEN_URL=https://x
            """);

        Assert.Equal(
            [(2, "ARG", "BASE=debian"), (4, "FROM", "${BASE} AS build"), (6, "RUN", "apt-get update &&      apt-get install -y make"), (10, "ENV", "TOKEN_URL=https://x")],
            dockerfile.Instructions.Select(i => (i.Line, i.Keyword, i.Arguments)));
    }

    [Fact]
    public void The_escape_directive_makes_the_backtick_continue_a_line()
    {
        var dockerfile = Dockerfile.Parse("# escape=`\nFROM scratch\nCOPY a `\n  b /\n");

        Assert.Equal([(2, "FROM"), (3, "COPY")], dockerfile.Instructions.Select(i => (i.Line, i.Keyword)));
        Assert.Equal("a  b /", dockerfile.Instructions[1].Arguments.Replace("   ", " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Words_group_quotes_and_remove_them()
    {
        Assert.Equal(["A=1", "B=two words", "C=it's"], Dockerfile.Words("""A=1 B="two words" C=it\'s"""));
    }
}
