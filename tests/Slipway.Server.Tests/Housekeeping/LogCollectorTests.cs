using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Housekeeping;
using Slipway.Server.Targets;
using Slipway.Server.Tests.Reconcile;

namespace Slipway.Server.Tests.Housekeeping;

/// <summary>
/// Logs go when nobody can ask for them any more — their app×env or their revision is gone from the store — and
/// never while an instance of theirs runs and writes them.
/// </summary>
public sealed class LogCollectorTests : IAsyncLifetime
{
    private ControlPlaneHarness _h = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string LogRoot => Path.Combine(_h.Options.DataDirectory, "logs");

    public async Task InitializeAsync()
    {
        _h = await ControlPlaneHarness.StartAsync();

        // As the local target's instances do: each writes its log under logs/{app}/{env}/{revision}/.
        _h.Target.OnStart = launch => WriteLog(launch.App, launch.Environment, launch.Revision, launch.InstanceId);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_deleted_apps_logs_stay_while_its_instances_run_and_go_once_they_have_stopped()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.RollOutAsync("api", "v1");
        await _h.Store.DeleteAppAsync("web", "dev", Ct);

        Assert.Empty(await Collector().CollectAsync(Ct));
        Assert.False(await Collector().CollectDeletedAsync("web", "dev", Ct));
        Assert.True(Directory.Exists(Path.Combine(LogRoot, "web", "dev", "1")));

        await _h.Reconciler.ReconcileAllAsync(Ct); // stops the deleted app's instances

        Assert.DoesNotContain(_h.Target.Instances, i => i.App == "web");
        Assert.True(await Collector().CollectDeletedAsync("web", "dev", Ct));
        Assert.False(Directory.Exists(Path.Combine(LogRoot, "web")));
        Assert.True(Directory.Exists(Path.Combine(LogRoot, "api", "dev", "1")));
    }

    [Fact]
    public async Task The_regular_pass_finds_the_logs_of_a_deleted_app_too()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        await _h.Reconciler.ReconcileAllAsync(Ct);

        var deleted = await Collector().CollectAsync(Ct);

        Assert.Equal([Path.Combine(LogRoot, "web", "dev")], deleted);
        Assert.Empty(Directory.GetFileSystemEntries(LogRoot));
    }

    [Fact]
    public async Task A_deleted_app_applied_again_keeps_its_logs()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        await _h.Reconciler.ReconcileAllAsync(Ct);
        await _h.RollOutAsync("web", "v1");

        Assert.True(await Collector().CollectDeletedAsync("web", "dev", Ct));
        Assert.Empty(await Collector().CollectAsync(Ct));
        Assert.True(Directory.Exists(Path.Combine(LogRoot, "web", "dev", "1")));
    }

    [Fact]
    public async Task Logs_of_revisions_no_longer_kept_go_unless_an_instance_of_theirs_runs()
    {
        for (var n = 1; n <= 5; n++)
        {
            await _h.RollOutAsync("web", $"v{n}");
        }

        await _h.Store.DeleteRevisionsAsync("web", "dev", [1, 2, 3], Ct);
        var app = (await _h.Store.GetAppAsync("web", "dev", Ct))!;
        var template = (await _h.Store.ListRevisionsAsync("web", "dev", Ct))[0].Template;
        _h.Target.Start(new InstanceLaunch("web", "dev", app.Uid, 2, "web-dev-2-still-stopping", _h.Time.GetUtcNow(), template));

        var deleted = await Collector().CollectAsync(Ct);

        Assert.Equal([Path.Combine(LogRoot, "web", "dev", "1"), Path.Combine(LogRoot, "web", "dev", "3")], deleted);
        Assert.Equal([2, 4, 5], LogRevisions("web"));
    }

    [Fact]
    public async Task No_logs_at_all_is_nothing_to_do()
    {
        await _h.Store.DeleteAppAsync("nobody", "dev", Ct);

        Assert.Empty(await Collector().CollectAsync(Ct));
        Assert.True(await Collector().CollectDeletedAsync("nobody", "dev", Ct));
    }

    private LogCollector Collector() => new(LogRoot, _h.Store, _h.Target, NullLogger<LogCollector>.Instance);

    private void WriteLog(string app, string environment, int revision, string instanceId)
    {
        var path = Path.Combine(LogRoot, app, environment, revision.ToString(CultureInfo.InvariantCulture), instanceId + ".log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.AppendAllText(path, $"{instanceId} started\n");
    }

    // logs/{app}/{env}/{revision}/: the revisions with a log directory.
    private List<int> LogRevisions(string app)
    {
        var directory = Path.Combine(LogRoot, app, "dev");
        return Directory.Exists(directory)
            ? [.. Directory.GetDirectories(directory).Select(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).Order()]
            : [];
    }
}
