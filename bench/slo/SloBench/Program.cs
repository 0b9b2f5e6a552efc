// The cost of an SLO's burn rates at full size: one SLO with 30 days of per-minute history (43,200 rows), among 99 other
// app×envs with the same, is evaluated as the gate and `slipway slo` evaluate it — the sums over its five windows (30d,
// 6h, 1h, 30m, 5m: one query) and the arithmetic of Core — and recorded as the recorder records it every 5 s.
using System.Diagnostics;
using System.Globalization;
using Slipway.Core.Slo;
using Slipway.Store;

// BENCH_APPS: how many app×envs hold a full history (100 by default).
var apps = int.Parse(Environment.GetEnvironmentVariable("BENCH_APPS") ?? "100", CultureInfo.InvariantCulture);
const int Minutes = 30 * 24 * 60;
const int Rounds = 9;
const int PerRound = 200;

var parent = Environment.GetEnvironmentVariable("BENCH_TMP") is { Length: > 0 } tmp ? tmp : Path.GetTempPath();
var directory = Path.Combine(parent, "slipway-bench-slo-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
try
{
    var store = await SqliteStore.OpenAsync(Path.Combine(directory, "slipway.db"), TimeProvider.System, CancellationToken.None);
    var now = DateTimeOffset.UtcNow;
    var end = now.ToUnixTimeSeconds();
    var start = end - (Minutes * 60L);

    // 30 days of one request-laden second per minute (1,000 requests, 1 failed), for 100 app×envs.
    var seed = Stopwatch.StartNew();
    for (var app = 0; app < apps; app++)
    {
        var seconds = Enumerable.Range(0, Minutes).Select(m => new SloSecond(start + (m * 60L), 999, 1000)).ToList();
        await store.RecordSloAsync($"app{app}", "prod", [new SloRecording("availability", seconds, start, end - 10)], CancellationToken.None);
    }

    seed.Stop();
    var slo = new SloSpec("availability", new AvailabilityIndicator(), 0.999, TimeSpan.FromDays(30));
    var policy = ErrorBudgetPolicy.Default;
    var windows = SloEvaluator.Windows(slo, policy);

    var evaluate = new List<double>();
    var record = new List<double>();
    SloReport? last = null;
    var through = end - 10;
    for (var round = 0; round < Rounds; round++)
    {
        evaluate.Add(await TimeAsync(async n =>
        {
            var sums = await store.SumSloAsync($"app{n % apps}", "prod", "availability", [.. windows.Select(w => now - w + TimeSpan.FromSeconds(1))], CancellationToken.None);
            last = SloEvaluator.Evaluate(new SloObservation(slo, windows.Select((w, i) => (w, sums[i])).ToDictionary(p => p.w, p => p.Item2), TimeSpan.FromDays(30)), policy);
        }));

        // What the recorder does every 5 s per app×env: five seconds of traffic, one transaction.
        record.Add(await TimeAsync(async n =>
        {
            var first = through + 1 + (n / apps * 5);
            await store.RecordSloAsync($"app{n % apps}", "prod", [new SloRecording("availability", [.. Enumerable.Range(0, 5).Select(s => new SloSecond(first + s, 99, 100))], first, first + 4)], CancellationToken.None);
        }));
        through += (PerRound / apps) * 5;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"seeded {apps} × {Minutes} minute rows in {seed.Elapsed.TotalSeconds:0.0} s; store file {new FileInfo(Path.Combine(directory, "slipway.db")).Length / (1024 * 1024)} MiB + WAL\n" +
        $"evaluate (5 window sums over 43,200 rows + Core): median {Median(evaluate):0.00} ms ({string.Join(" / ", evaluate.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)))})\n" +
        $"record 5 s of one SLO: median {Median(record):0.00} ms ({string.Join(" / ", record.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)))})\n" +
        $"last: budget {last!.BudgetRemaining:0.000}, burn rates {string.Join(", ", last.BurnRates.Select(b => $"{b.LongBurnRate:0.00}/{b.ShortBurnRate:0.00}"))}"));
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, recursive: true);
}

static async Task<double> TimeAsync(Func<int, Task> call)
{
    var clock = Stopwatch.StartNew();
    for (var n = 0; n < PerRound; n++)
    {
        await call(n);
    }

    return clock.Elapsed.TotalMilliseconds / PerRound;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
