// The cost of adding an event: SaveStatusAsync with one event (one transaction), timed on an app×env that already
// holds more events than the retention keeps, so that with a retention every insert also deletes. Only the public
// API both the base commit and this tree have is used, each with its defaults.
using System.Diagnostics;
using System.Globalization;
using Slipway.Core.Rollouts;
using Slipway.Store;

const int Apps = 100;
const int EventsBefore = 1_000;
const int Rounds = 9;
const int PerRound = 2_000;

// BENCH_TMP=/dev/shm keeps the disk out of the figure: what is left is the CPU cost of the statements.
var parent = Environment.GetEnvironmentVariable("BENCH_TMP") is { Length: > 0 } tmp ? tmp : Path.GetTempPath();
var directory = Path.Combine(parent, "slipway-bench-store-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
try
{
    var store = await SqliteStore.OpenAsync(Path.Combine(directory, "slipway.db"), TimeProvider.System, CancellationToken.None);
    var status = new RolloutStatus { StableRevision = 1, UpdatedRevision = 2, Phase = RolloutPhase.Paused, Reason = "CanaryPauseStep", StableHistory = [1] };
    var one = new[] { new NewEvent(2, "StepCompleted", "step 1 of 4 completed (setWeight 10): 10 % of requests to revision 2") };

    // 100 app×envs with 1,000 events written each, as a server with a long history would have written them.
    for (var app = 0; app < Apps; app++)
    {
        for (var n = 0; n < EventsBefore; n += 100)
        {
            await store.SaveStatusAsync($"app{app}", "prod", status, [.. Enumerable.Repeat(one[0], 100)], CancellationToken.None);
        }
    }

    var perInsert = new List<double>();
    var withoutEvent = new List<double>();
    for (var round = 0; round < Rounds; round++)
    {
        // Alternating which goes first, so that neither always pays for the other's WAL checkpoints.
        if (round % 2 == 0)
        {
            perInsert.Add(await TimeAsync(n => store.SaveStatusAsync($"app{n % Apps}", "prod", status, one, CancellationToken.None)));
            withoutEvent.Add(await TimeAsync(n => store.SaveStatusAsync($"app{n % Apps}", "prod", status, [], CancellationToken.None)));
        }
        else
        {
            withoutEvent.Add(await TimeAsync(n => store.SaveStatusAsync($"app{n % Apps}", "prod", status, [], CancellationToken.None)));
            perInsert.Add(await TimeAsync(n => store.SaveStatusAsync($"app{n % Apps}", "prod", status, one, CancellationToken.None)));
        }
    }

    var events = (await store.ListEventsAsync("app0", "prod", 100_000, CancellationToken.None)).Count;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"status + 1 event: median {Median(perInsert):0.0} µs per save ({string.Join(" / ", perInsert.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)))}); " +
        $"status alone: median {Median(withoutEvent):0.0} µs; events kept for app0/prod: {events}; " +
        $"store file {new FileInfo(Path.Combine(directory, "slipway.db")).Length / 1024} KiB + WAL"));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

static async Task<double> TimeAsync(Func<int, Task> save)
{
    var watch = Stopwatch.StartNew();
    for (var n = 0; n < PerRound; n++)
    {
        await save(n);
    }

    return watch.Elapsed.TotalMicroseconds / PerRound;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
