using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Local;
using Slipway.Server.Housekeeping;
using Slipway.Server.Tests.Reconcile;
using Slipway.Store;

namespace Slipway.Server.Tests.Housekeeping;

/// <summary>
/// Over a long run, what the server keeps stays within its bounds: revisions (the history limit plus what runs and
/// what undo needs), artifact copies (those of kept revisions), events (per app×env), no crash leftovers, no logs of
/// deleted apps or revisions. The housekeeper runs at start, once what runs is adopted, then every interval.
/// </summary>
public sealed class HousekeeperTests : IAsyncLifetime
{
    private const int EventsPerApp = 40;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private ControlPlaneHarness _h = null!;
    private LocalSupervisor _supervisor = null!;
    private Housekeeper _housekeeper = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string LogRoot => Path.Combine(_h.Options.DataDirectory, "logs");

    public async Task InitializeAsync()
    {
        _h = await ControlPlaneHarness.StartAsync(new StoreOptions { EventsPerApp = EventsPerApp });
        _h.Target.OnStart = launch =>
        {
            var path = Path.Combine(LogRoot, launch.App, launch.Environment, launch.Revision.ToString(CultureInfo.InvariantCulture), launch.InstanceId + ".log");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, "started\n");
        };
        _supervisor = new LocalSupervisor(_h.Options.DataDirectory, _h.Time, NullLoggerFactory.Instance);
        _housekeeper = new Housekeeper(_h.Store, _h.Gate, _h.Target, _h.Artifacts, _supervisor, _h.Options, _h.Time, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        await _housekeeper.StopAsync(Ct);
        _housekeeper.Dispose();
        await _supervisor.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task Sixty_revisions_later_revisions_copies_events_and_logs_are_within_their_bounds()
    {
        await _h.RollOutAsync("gone", "g1");
        for (var n = 1; n <= 60; n++)
        {
            await _h.RollOutAsync("web", $"v{n}"); // a new build each time: a new revision and a new copy
        }

        await _h.Store.DeleteAppAsync("gone", "dev", Ct);
        await _h.Reconciler.ReconcileAllAsync(Ct);
        var leftover = Leftover(TimeSpan.FromHours(2));
        Assert.Equal(61, _h.Artifacts.List().Count);
        Assert.Equal(Enumerable.Range(1, 60), LogRevisions("web"));
        Assert.Equal([1], LogRevisions("gone"));

        var pass = await _housekeeper.RunOnceAsync(Ct);

        // 60 stable, 59 where undo goes; 49–58 the 10 old revisions the default history limit keeps.
        var kept = Enumerable.Range(49, 12).ToList();
        Assert.Equal(kept, (await _h.Store.ListRevisionsAsync("web", "dev", Ct)).Select(r => r.Number));
        Assert.Equal(Enumerable.Range(1, 48), Assert.Single(pass.Revisions).Numbers);
        var keptDigests = (await _h.Store.ListRevisionsAsync("web", "dev", Ct)).Select(r => r.Template.Artifact.Digest!).Order(StringComparer.Ordinal);
        Assert.Equal(keptDigests, _h.Artifacts.List());
        Assert.Equal(keptDigests.Select(_h.Artifacts.PathFor), Directory.GetFileSystemEntries(_h.Options.ArtifactsDirectory).Order(StringComparer.Ordinal));
        Assert.Equal([leftover], pass.Leftovers);
        Assert.Empty(Directory.GetDirectories(_h.Options.ArtifactsDirectory, "*.partial-*"));
        var options = new StoreOptions { EventsPerApp = EventsPerApp };
        Assert.InRange((await _h.Store.ListEventsAsync("web", "dev", 1000, Ct)).Count, EventsPerApp, EventsPerApp + options.PruneEvery - 1);
        Assert.Equal(kept, LogRevisions("web"));
        Assert.False(Directory.Exists(Path.Combine(LogRoot, "gone")));
        Assert.Equal(["web"], Directory.GetDirectories(LogRoot).Select(Path.GetFileName));

        // Undo still has somewhere to go, and a second pass finds nothing more to do.
        Assert.Null((await _h.Rollouts.UndoAsync("web", "dev", null, null, Ct)).Refusal);
        var again = await _housekeeper.RunOnceAsync(Ct);
        Assert.Equal((0, 0, 0, 0), (again.Revisions.Count, again.ArtifactCopies.Count, again.Leftovers.Count, again.LogDirectories.Count));
    }

    [Fact]
    public async Task It_runs_at_start_once_what_runs_is_adopted_then_every_interval()
    {
        for (var n = 1; n <= 5; n++)
        {
            await _h.RollOutAsync("web", $"v{n}", revisionHistoryLimit: 0);
        }

        var leftover = Leftover(TimeSpan.Zero);

        await _housekeeper.StartAsync(Ct);

        // At start, before anything else: a crash's leftovers, however recent, since no import runs yet.
        await Eventually(() => Task.FromResult(!Directory.Exists(leftover)), "the leftover removed at start");
        Assert.Equal([1, 2, 3, 4, 5], await RevisionsAsync()); // nothing else until the supervisor has adopted

        await _supervisor.AdoptAllAsync(Ct);
        await Eventually(async () => (await RevisionsAsync()).SequenceEqual([4, 5]), "the first pass");

        await _h.RollOutAsync("web", "v6", revisionHistoryLimit: 0);
        await _h.RollOutAsync("web", "v7", revisionHistoryLimit: 0);
        Assert.Equal([4, 5, 6, 7], await RevisionsAsync());
        await Eventually(
            async () =>
            {
                _h.Time.Advance(_h.Options.HousekeepingInterval);
                return (await RevisionsAsync()).SequenceEqual([6, 7]);
            },
            "the next pass, an interval later");
    }

    [Fact]
    public async Task A_deleted_apps_logs_go_as_soon_as_its_instances_have_stopped()
    {
        await _h.RollOutAsync("web", "v1");
        await _h.RollOutAsync("api", "v1");
        await _supervisor.AdoptAllAsync(Ct);
        await _housekeeper.StartAsync(Ct);

        await _h.Store.DeleteAppAsync("web", "dev", Ct);
        _housekeeper.AppDeleted("web", "dev");
        Assert.True(Directory.Exists(Path.Combine(LogRoot, "web", "dev", "1")), "kept while its instances run");

        await _h.Reconciler.ReconcileAllAsync(Ct); // the reconciler stops them
        await Eventually(
            () =>
            {
                _h.Time.Advance(TimeSpan.FromSeconds(1)); // the housekeeper looks every second, not every interval
                return Task.FromResult(!Directory.Exists(Path.Combine(LogRoot, "web")));
            },
            "the deleted app's logs gone");
        Assert.True(Directory.Exists(Path.Combine(LogRoot, "api", "dev", "1")));
        Assert.Equal(["api"], Directory.GetDirectories(LogRoot).Select(Path.GetFileName));
    }

    private string Leftover(TimeSpan age)
    {
        var path = Path.Combine(_h.Options.ArtifactsDirectory, $"sha256-{new string('c', 64)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "app.dll"), "half copied when the server was killed");
        Directory.SetLastWriteTimeUtc(path, _h.Time.GetUtcNow().UtcDateTime - age); // on the clock the housekeeper reads
        return path;
    }

    private async Task<List<int>> RevisionsAsync() => [.. (await _h.Store.ListRevisionsAsync("web", "dev", Ct)).Select(r => r.Number)];

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for: {what}");
            await Task.Delay(20);
        }
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
