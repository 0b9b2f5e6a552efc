using System.Diagnostics;
using Slipway.Local.Processes;

namespace Slipway.Local.Tests;

/// <summary>Processes found by their arguments, as <c>slipway down</c> finds a router whose pid was never written.</summary>
public sealed class ProcCommandLineTests
{
    [Fact]
    public async Task A_process_is_found_by_an_option_and_its_value()
    {
        var table = $"/tmp/slipway-test-{Guid.NewGuid():N}/router/routes.json";
        // Not exec'd (a command follows), so the shell keeps these arguments while it waits.
        using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 300; :", "router", "--config", table]))!;
        try
        {
            Assert.Equal(["/bin/sh", "-c", "sleep 300; :", "router", "--config", table], ProcCommandLine.Read(process.Id));
            // Found; for a moment its child, forked to run sleep, has the same arguments too.
            Assert.Contains(process.Id, ProcCommandLine.FindProcesses(args => args.Contains("router") && ProcCommandLine.HasOption(args, "--config", table)));
            Assert.Empty(ProcCommandLine.FindProcesses(args => ProcCommandLine.HasOption(args, "--config", table + ".other")));
            Assert.Null(ProcCommandLine.Read(int.MaxValue));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData(new[] { "slipway", "router", "--config", "/d/router/routes.json" }, true)]
    [InlineData(new[] { "slipway", "router", "--listen", "/d/router/routes.json" }, false)] // the value of another option
    [InlineData(new[] { "slipway", "router", "--config" }, false)]
    [InlineData(new[] { "slipway", "router", "--config", "/e/router/routes.json" }, false)]
    [InlineData(new[] { "slipway", "router", "--config", "rel/routes.json" }, true)]
    public void An_option_matches_when_one_of_the_values_follows_it(string[] args, bool expected) =>
        Assert.Equal(expected, ProcCommandLine.HasOption(args, "--config", "/d/router/routes.json", "rel/routes.json"));
}
