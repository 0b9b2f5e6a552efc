using System.Text;
using Slipway.Local.Processes;

namespace Slipway.Local.Tests;

public sealed class ProcEnvironmentTests
{
    [Theory]
    [InlineData("A=1\0SLIPWAY_INSTANCE=web-1\0B=2\0", true)]
    [InlineData("SLIPWAY_INSTANCE=web-1\0", true)]
    [InlineData("SLIPWAY_INSTANCE=web-12\0", false)] // another instance whose id starts the same
    [InlineData("X_SLIPWAY_INSTANCE=web-1\0", false)] // another variable whose name ends the same
    [InlineData("X_SLIPWAY_INSTANCE=web-1\0SLIPWAY_INSTANCE=web-1\0", true)]
    [InlineData("", false)]
    public void An_entry_matches_only_a_whole_name_and_value(string environ, bool expected) =>
        Assert.Equal(expected, ProcEnvironment.HoldsEntry(Encoding.UTF8.GetBytes(environ), "SLIPWAY_INSTANCE=web-1\0"u8));

    [Theory]
    [InlineData("A=1\0SLIPWAY_INSTANCE=web-1\0B=2\0", "web-1")]
    [InlineData("SLIPWAY_INSTANCE=web-12", "web-12")] // the last entry, without its NUL
    [InlineData("X_SLIPWAY_INSTANCE=web-1\0", null)] // another variable whose name ends the same
    [InlineData("SLIPWAY_INSTANCE=\0", "")]
    [InlineData("", null)]
    public void A_value_is_read_from_the_entry_of_that_whole_name(string environ, string? expected) =>
        Assert.Equal(expected, ProcEnvironment.ValueOf(Encoding.UTF8.GetBytes(environ), "SLIPWAY_INSTANCE="u8));
}
