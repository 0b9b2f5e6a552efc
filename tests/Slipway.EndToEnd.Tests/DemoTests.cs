using System.Diagnostics;
using System.Globalization;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class DemoTests
{
    private const string DataDirectoryLine = "slipway demo: data directory ";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Demo_promotes_a_good_v2_and_rolls_back_a_bad_v3_by_analysis_under_live_traffic_and_stops_everything()
    {
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.Repository };
        foreach (var arg in new[] { Paths.SlipwayDll, "demo", "--port", port.ToString(CultureInfo.InvariantCulture), "--pause-seconds", "2", "--exit-when-done" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        Assert.True(process.ExitCode == 0, text + await stderr);
        Assert.Contains("canary completed: v2 promoted itself, with no human.", text);
        Assert.Contains(" 0 failed", text);
        Assert.Matches(@"v3 rolled back by analysis, traffic first, with no human: background analysis of revision 3: metric error-rate failed at .*: result 0\.\d+: failureCondition 'result > 0\.05' holds", text);
        Assert.Contains("v2 serves every request again", text);
        Assert.Contains("canary  10%", text);
        Assert.Contains("canary  50%", text);

        // Everything it started is gone: nothing listens on the router port any more.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/"));

        // And its temporary data directory is removed.
        var data = text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(DataDirectoryLine, StringComparison.Ordinal))[DataDirectoryLine.Length..];
        Assert.False(Directory.Exists(data), $"{data} is left behind");
    }

    [Fact]
    public Task Ctrl_C_after_the_release_stops_the_demo_and_everything_it_started() =>
        StopByAsync("press Ctrl-C to stop everything", "INT", group: true);

    [Fact]
    public Task SIGTERM_during_the_release_stops_the_demo_and_everything_it_started() =>
        StopByAsync("releasing v2 by canary", "TERM", group: false);

    /// <summary><c>slipway demo | tee log</c>, then Ctrl-C: tee dies too, and every later write of the demo fails with EPIPE.</summary>
    [Fact]
    public Task Ctrl_C_with_the_output_pipe_closed_stops_the_demo_and_everything_it_started() =>
        StopByAsync("press Ctrl-C to stop everything", "INT", group: true, closeStdout: true);

    /// <summary>An impatient user: the second Ctrl-C, while it stops, kills instead of waiting, and still leaves nothing.</summary>
    [Fact]
    public Task A_second_Ctrl_C_while_the_demo_stops_still_leaves_nothing_behind() =>
        StopByAsync("releasing v2 by canary", "INT", group: true, secondSignal: true);

    /// <summary>Runs the demo until a line of its output, signals it, and checks that nothing it started is left.</summary>
    private static async Task StopByAsync(string runningLine, string signal, bool group, bool closeStdout = false, bool secondSignal = false)
    {
        var port = FreePorts.Next();
        await using var demo = CliProcess.Start("demo", "--port", port.ToString(CultureInfo.InvariantCulture), "--pause-seconds", "2");
        var data = (await demo.WaitForLineAsync(DataDirectoryLine, StartTimeout)).Trim()[DataDirectoryLine.Length..];
        try
        {
            await demo.WaitForLineAsync(runningLine, StartTimeout);
            await Eventually.WaitAsync(() => Task.FromResult(ProcessTable.Using(data)), p => p.Count >= 4, TimeSpan.FromSeconds(60), "the router and 3 instances running");
            Assert.False(ProcessTable.PortIsFree(port), "the router is not serving on its port");

            if (closeStdout)
            {
                demo.CloseStdout();
            }

            Assert.True(await demo.SignalAsync(signal, group));
            if (secondSignal)
            {
                await demo.WaitForLineAsync("stopping the server", StopTimeout);
                await demo.SignalAsync(signal, group); // false, harmlessly, if it was quicker than us
            }

            Assert.True(await demo.WaitForExitAsync(StopTimeout), $"the demo still runs {StopTimeout.TotalSeconds:0}s after SIG{signal}:\n{demo.Stdout}\n{demo.Stderr}");
            Assert.True(demo.ExitCode == 0, $"exit code {demo.ExitCode}:\n{demo.Stdout}\n{demo.Stderr}");
            Assert.DoesNotContain("   at ", demo.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", demo.Stderr, StringComparison.Ordinal);
            Assert.Empty(ProcessTable.Using(data));
            Assert.True(ProcessTable.PortIsFree(port), $"port {port} is still in use");
            Assert.False(Directory.Exists(data), $"{data} is left behind");
        }
        finally
        {
            // A failed run must not leave a demo behind for the next test.
            if (Directory.Exists(data))
            {
                await demo.DisposeAsync();
                await Slipway.Server.DataPlane.StopAllAsync(data, CancellationToken.None);
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
