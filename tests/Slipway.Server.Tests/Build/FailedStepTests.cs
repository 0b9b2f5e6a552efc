using Slipway.Docker.Lint;
using Slipway.Server.Build;

namespace Slipway.Server.Tests.Build;

/// <summary>A failed step's Dockerfile line: step K is the K-th instruction, global ARGs and continuations counted as the builder counts them.</summary>
public sealed class FailedStepTests
{
    private static readonly Dockerfile File = Dockerfile.Parse("""
        # syntax=docker/dockerfile:1
        ARG BASE=slipway/busybox:test
        FROM ${BASE}

        # build
        RUN echo one && \
            echo two
        COPY www/ /www/
        """);

    [Theory]
    [InlineData("step 1/5 (ARG BASE=slipway/busybox:test)", 2)]
    [InlineData("step 2/5 (FROM ${BASE})", 3)]
    [InlineData("step 3/5 (RUN echo one && echo two)", 6)]
    [InlineData("step 4/4 (COPY www/ /www/)", 8)]
    [InlineData("step 3/5 (run echo one && echo two)", 6)]
    public void A_step_is_found_at_the_line_its_instruction_starts_on(string step, int line) =>
        Assert.Equal(line, FailedStep.LineOf(File, step));

    [Theory]
    [InlineData("step 5/5 (LABEL \"org.opencontainers.image.revision\"=\"3f2a\")")] // the label step the build adds
    [InlineData("step 3/9 (RUN echo one && echo two)")] // another file's count
    [InlineData("step 3/5 (COPY a b)")] // another instruction there
    [InlineData("step 0/5 (ARG X)")]
    [InlineData("RUN make")]
    [InlineData(null)]
    public void A_step_that_does_not_match_the_file_has_no_line_rather_than_a_wrong_one(string? step) =>
        Assert.Null(FailedStep.LineOf(File, step));
}
