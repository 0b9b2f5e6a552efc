using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Core.Spec;
using Slipway.Local;

// The probe benchmark's driver (bench/probes/run.sh runs it; see bench/README.md). It uses only the public API of
// Slipway.Local, so the same source builds against the tree before the probe change and after it.
//
//   ProbeBench start     DATA N FIRST_PORT PERIOD   N instances (`sleep infinity`), each with an httpGet readiness
//                                                   probe on its own port of the server (FIRST_PORT + i); waits
//                                                   until all are ready, then exits: they keep running
//   ProbeBench measure   DATA SETTLE WINDOW STUB_URL SERVER_PID ACCESS_LOG LABEL ROUND
//                                                   a new supervisor adopts them all at once (a restarted server),
//                                                   waits SETTLE s, measures WINDOW s, stops them, prints one JSON line
//   ProbeBench summarize RESULTS                    medians per label, and after/before ratios
var invariant = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "start" when args.Length == 5:
        return await Bench.StartAsync(args[1], int.Parse(args[2], invariant), int.Parse(args[3], invariant), int.Parse(args[4], invariant));
    case "measure" when args.Length == 9:
        return await Bench.MeasureAsync(args[1], double.Parse(args[2], invariant), double.Parse(args[3], invariant), args[4],
            int.Parse(args[5], invariant), args[6], args[7], int.Parse(args[8], invariant));
    case "summarize" when args.Length == 2:
        return Bench.Summarize(args[1]);
    default:
        Console.Error.WriteLine("usage: ProbeBench start|measure|summarize … (see Program.cs)");
        return 2;
}

/// <summary>One measured window of one build.</summary>
internal sealed record Run(
    string Label,
    int Round,
    int Instances,
    double WindowSeconds,
    long Probes,
    long Connections,
    double CpuSeconds,
    double UserSeconds,
    double SystemSeconds,
    double ServerCpuSeconds,
    double MachineBusyCores,
    double OthersBusyCores,
    string LoadAverage,
    int PeakPer100Ms,
    double MeanPer100Ms)
{
    public double CpuPer1000Probes => CpuSeconds / Probes * 1000;

    public double ServerCpuPer1000Probes => ServerCpuSeconds / Probes * 1000;

    public double ConnectionsPer1000Probes => (double)Connections / Probes * 1000;
}

internal static class Bench
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// Only the probes should cost anything in the window: adopted processes are checked in /proc and logs looked at
    /// once an hour instead of every second (both the same before and after the change).
    /// </summary>
    private static SupervisorOptions Options => new()
    {
        InstancePorts = new PortRange(64000, 65499), // see run.sh: away from other servers' instances
        AdoptedProcessPollInterval = TimeSpan.FromHours(1),
        LogCheckpointInterval = TimeSpan.FromHours(1),
    };

    public static async Task<int> StartAsync(string data, int instances, int firstPort, int period)
    {
        var artifact = Directory.CreateDirectory(Path.Combine(data, "artifact")).FullName;
        await using var supervisor = new LocalSupervisor(Path.Combine(data, "supervisor"), TimeProvider.System, NullLoggerFactory.Instance, Options);
        var clock = Stopwatch.StartNew();
        var started = new List<Instance>();
        for (var i = 0; i < instances; i++)
        {
            var readiness = new ProbeSpec(new HttpGetAction("/healthz", firstPort + i), PeriodSeconds: period);
            started.Add(supervisor.Start(new InstanceSpec(
                "bench", "dev", 1, $"probe-{i}", artifact, "sleep", ["infinity"], new Dictionary<string, string>(),
                new ProbeSet(null, readiness, null), TimeSpan.FromSeconds(5))));
        }

        var spawned = clock.Elapsed;
        if (!await UntilAsync(() => started.All(i => i.Status.Ready), TimeSpan.FromMinutes(10)))
        {
            Console.Error.WriteLine($"not all ready: {started.Count(i => i.Status.Ready)} of {instances}");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{instances} instances started in {spawned.TotalSeconds:0.0} s, all ready after {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0; // disposing the supervisor leaves them running, to be adopted
    }

    public static async Task<int> MeasureAsync(string data, double settle, double window, string stubUrl, int serverPid, string accessLog, string label, int round)
    {
        await using var supervisor = new LocalSupervisor(Path.Combine(data, "supervisor"), TimeProvider.System, NullLoggerFactory.Instance, Options);
        var adopted = await supervisor.AdoptAllAsync(CancellationToken.None);
        try
        {
            if (adopted.Any(i => !i.Status.Ready || i.Status.Pid == 0))
            {
                Console.Error.WriteLine($"adopted {adopted.Count}, of which {adopted.Count(i => !i.Status.Ready)} not ready");
                return 1;
            }

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            await Task.Delay(TimeSpan.FromSeconds(settle));

            var before = await SnapshotAsync(http, stubUrl, serverPid);
            await Task.Delay(TimeSpan.FromSeconds(window));
            var after = await SnapshotAsync(http, stubUrl, serverPid);

            await Task.Delay(TimeSpan.FromSeconds(2)); // the server flushes its access log every second
            var (peak, mean) = Bursts(accessLog, before.Unix, after.Unix);
            var elapsed = (after.Cpu.Wall - before.Cpu.Wall).TotalSeconds;
            var user = (after.Cpu.OwnUser - before.Cpu.OwnUser).TotalSeconds;
            var system = (after.Cpu.OwnSystem - before.Cpu.OwnSystem).TotalSeconds;
            var cpu = user + system;
            var serverCpu = (after.Cpu.Server - before.Cpu.Server).TotalSeconds;
            var busy = (double)(after.Cpu.MachineBusy - before.Cpu.MachineBusy) / (after.Cpu.MachineTotal - before.Cpu.MachineTotal) * Environment.ProcessorCount;
            var run = new Run(
                label, round, adopted.Count, elapsed,
                after.Requests - before.Requests - 1, // the second status request counts itself
                after.Accepts - before.Accepts, // the status requests share one kept-alive connection, accepted before
                cpu, user, system, serverCpu, busy, busy - (cpu + serverCpu) / elapsed, File.ReadAllText("/proc/loadavg").Trim(), peak, mean);
            Console.WriteLine(JsonSerializer.Serialize(run, Json));
            return 0;
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await Task.WhenAll(supervisor.Instances.Select(i => supervisor.StopAsync(i, stop.Token)));
        }
    }

    public static int Summarize(string results)
    {
        var runs = File.ReadLines(results).Where(l => l.StartsWith('{')).Select(l => JsonSerializer.Deserialize<Run>(l, Json)!).ToList();
        var labels = runs.Select(r => r.Label).Distinct().ToList();
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("| build | rounds | probes/window (median) | probe CPU s per 1,000 probes (median) | per round | of which system | server CPU s per 1,000 | TCP connections per 1,000 probes | peak probes in 100 ms (mean) | other load, cores busy |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var label in labels)
        {
            var of = runs.Where(r => r.Label == label).OrderBy(r => r.Round).ToList();
            Console.WriteLine(string.Create(invariant,
                $"| {label} | {of.Count} | {Median(of.Select(r => (double)r.Probes)):0} | {Median(of.Select(r => r.CpuPer1000Probes)):0.000} | "
                + $"{string.Join(" / ", of.Select(r => r.CpuPer1000Probes.ToString("0.000", invariant)))} | "
                + $"{Median(of.Select(r => r.SystemSeconds / r.Probes * 1000)):0.000} | "
                + $"{Median(of.Select(r => r.ServerCpuPer1000Probes)):0.000} | {Median(of.Select(r => r.ConnectionsPer1000Probes)):0} | "
                + $"{Median(of.Select(r => (double)r.PeakPer100Ms)):0} ({Median(of.Select(r => r.MeanPer100Ms)):0.0}) | "
                + $"{Median(of.Select(r => r.OthersBusyCores)):0.00} |"));
        }

        if (labels.Contains("before") && labels.Contains("after"))
        {
            double Of(string label, Func<Run, double> value) => Median(runs.Where(r => r.Label == label).Select(value));
            var rounds = runs.Where(r => r.Label == "after").Select(r => r.Round)
                .Intersect(runs.Where(r => r.Label == "before").Select(r => r.Round)).Order().ToList();
            var perRound = rounds.Select(n =>
                runs.Single(r => r.Label == "after" && r.Round == n).CpuPer1000Probes / runs.Single(r => r.Label == "before" && r.Round == n).CpuPer1000Probes);
            Console.WriteLine();
            Console.WriteLine(string.Create(invariant,
                $"after/before, probe CPU per probe: {Of("after", r => r.CpuPer1000Probes) / Of("before", r => r.CpuPer1000Probes):0.00} "
                + $"(per round {string.Join(" / ", perRound.Select(x => x.ToString("0.00", invariant)))}); "
                + $"server CPU per probe: {Of("after", r => r.ServerCpuPer1000Probes) / Of("before", r => r.ServerCpuPer1000Probes):0.00}; "
                + $"peak in 100 ms: {Of("after", r => r.PeakPer100Ms) / Of("before", r => r.PeakPer100Ms):0.00}"));
        }

        return 0;
    }

    private static async Task<Snapshot> SnapshotAsync(HttpClient http, string stubUrl, int serverPid)
    {
        // nginx's stub_status: "Active connections: N \n server accepts handled requests\n A H R \n…"
        var status = await http.GetStringAsync(stubUrl);
        var counters = status.Split('\n')[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        return new Snapshot(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, counters[0], counters[2], CpuSnapshot.Take(serverPid));
    }

    /// <summary>The most probes the server logged in one tenth of a second of the window, and the mean per tenth.</summary>
    private static (int Peak, double Mean) Bursts(string accessLog, double from, double to)
    {
        var buckets = new Dictionary<long, int>();
        foreach (var line in File.ReadLines(accessLog))
        {
            var at = double.Parse(line.AsSpan(0, line.IndexOf(' ')), CultureInfo.InvariantCulture);
            if (at >= from && at < to)
            {
                var bucket = (long)(at * 10);
                buckets[bucket] = buckets.GetValueOrDefault(bucket) + 1;
            }
        }

        return (buckets.Count == 0 ? 0 : buckets.Values.Max(), buckets.Values.Sum() / ((to - from) * 10));
    }

    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record Snapshot(double Unix, long Accepts, long Requests, CpuSnapshot Cpu);
}

/// <summary>CPU time of this process (user and system), of the server, and of the whole machine, at one moment.</summary>
internal sealed record CpuSnapshot(DateTime Wall, TimeSpan OwnUser, TimeSpan OwnSystem, TimeSpan Server, long MachineBusy, long MachineTotal)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSnapshot Take(int serverPid)
    {
        var (user, system) = ProcessTimes("self");
        var (serverUser, serverSystem) = ProcessTimes(serverPid.ToString(CultureInfo.InvariantCulture));

        // /proc/stat: "cpu user nice system idle iowait irq softirq steal …"; busy is everything but idle and iowait.
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Sum();
        return new CpuSnapshot(DateTime.UtcNow, user, system, serverUser + serverSystem, total - cpu[3] - cpu[4], total);
    }

    /// <summary>/proc/PID/stat: utime and stime are fields 14 and 15, counted after the ")" that ends the command name.</summary>
    private static (TimeSpan User, TimeSpan System) ProcessTimes(string pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (TimeSpan.FromSeconds(long.Parse(fields[11], CultureInfo.InvariantCulture) / TicksPerSecond),
            TimeSpan.FromSeconds(long.Parse(fields[12], CultureInfo.InvariantCulture) / TicksPerSecond));
    }
}
