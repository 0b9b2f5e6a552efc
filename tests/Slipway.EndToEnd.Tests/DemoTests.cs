using System.Diagnostics;
using Slipway.EndToEnd.Tests.Harness;

namespace Slipway.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_releases_v2_by_canary_under_live_traffic_with_zero_failed_requests_and_stops_everything()
    {
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Paths.Repository };
        foreach (var arg in new[] { Paths.SlipwayDll, "demo", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--pause-seconds", "2", "--exit-when-done" })
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
        Assert.Contains("canary completed", text);
        Assert.Contains(" 0 failed", text);
        Assert.Contains("canary  10%", text);
        Assert.Contains("canary  50%", text);

        // Everything it started is gone: nothing listens on the router port any more.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"http://127.0.0.1:{port}/"));

        // And its temporary data directory is removed.
        var data = text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("slipway demo: data directory ", StringComparison.Ordinal))["slipway demo: data directory ".Length..];
        Assert.False(Directory.Exists(data), $"{data} is left behind");
    }
}
