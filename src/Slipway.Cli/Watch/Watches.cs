using System.CommandLine;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Watch;

/// <summary>The <c>--watch</c> flag of <c>status APP</c> and <c>get apps</c>, and the watch each of them runs.</summary>
internal static class Watches
{
    public static Option<bool> Option(string what) => new("--watch", "-w")
    {
        Description = $"Keep watching {what}: a live view on a terminal, one line per change otherwise (Ctrl-C to stop)",
    };

    /// <summary>Refuses <c>--watch</c> with an output format it does not draw: the live view and its lines are text.</summary>
    public static void RefuseFormat(OutputFormat? format)
    {
        if (format is { } f && f != OutputFormat.Text)
        {
            throw new CliException($"--watch prints text only, not -o {OutputFormats.Names[(int)f]}: leave one of them out", 2);
        }
    }

    /// <summary>Watches the status of one app: the view of <see cref="StatusScreen"/>, or a <see cref="ProgressLine"/> per change.</summary>
    public static async Task<int> StatusAsync(ApiClient client, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        await WatchLoop.RunAsync(
            async t => (await client.SendAsync(HttpMethod.Get, path, null, t)).EnsureOk().Read<StatusView>(),
            s => [(s.App, ProgressLine.Of(s))],
            app => $"{app}: deleted",
            StatusScreen.Render,
            TimeProvider.System,
            ct);
        return 0;
    }

    /// <summary>Watches every app: the table of <see cref="AppsScreen"/>, or a <see cref="ProgressLine"/> per app that changed.</summary>
    public static async Task<int> AppsAsync(ApiClient client, string path, string? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        await WatchLoop.RunAsync<List<AppSummary>>(
            async t => (await client.SendAsync(HttpMethod.Get, path, null, t)).EnsureOk().Read<List<AppSummary>>(),
            apps => apps.Select(a => ($"{a.App} ({a.Environment})", ProgressLine.Of(a))).ToList(),
            key => $"{key}: deleted",
            (apps, now) => AppsScreen.Render(apps, environment, now),
            TimeProvider.System,
            ct);
        return 0;
    }
}
