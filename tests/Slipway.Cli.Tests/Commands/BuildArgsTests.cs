using Slipway.Cli.Commands;

namespace Slipway.Cli.Tests.Commands;

/// <summary>How <c>build --build-arg</c> reads its values: as docker build does, NAME=VALUE or NAME from the environment.</summary>
public sealed class BuildArgsTests
{
    [Fact]
    public void A_value_is_given_or_taken_from_the_environment_and_the_first_equals_sign_ends_the_name()
    {
        var (args, errors) = BuildCommand.BuildArgs(["BASE=reg/debian@sha256:ab", "URL=http://x/?a=b", "EMPTY=", "FROM_ENV"], name => name == "FROM_ENV" ? "here" : null);

        Assert.Empty(errors);
        Assert.Equal(
            new Dictionary<string, string> { ["BASE"] = "reg/debian@sha256:ab", ["URL"] = "http://x/?a=b", ["EMPTY"] = "", ["FROM_ENV"] = "here" },
            args);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (_, errors) = BuildCommand.BuildArgs(["=x", "NOT_SET", "A B=c"], _ => null);

        Assert.Equal(
            [
                "--build-arg '=x': expected NAME=VALUE (or NAME, to pass the variable NAME of this environment)",
                "--build-arg NOT_SET: no variable NOT_SET is set here; give its value as NOT_SET=VALUE",
                "--build-arg 'A B=c': expected NAME=VALUE (or NAME, to pass the variable NAME of this environment)",
            ],
            errors);
    }
}
