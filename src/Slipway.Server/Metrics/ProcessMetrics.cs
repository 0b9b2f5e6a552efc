using Prometheus;

namespace Slipway.Server.Metrics;

/// <summary>
/// The server process's CPU time and resident memory, under the names every Prometheus client library uses
/// (<c>process_cpu_seconds_total</c>, <c>process_resident_memory_bytes</c>), read when scraped: the scale benchmark
/// reads idle CPU and RSS from them. Only these two, added to the server's own registry; prometheus-net's default
/// collectors (event counters, meters, GC details) stay off because the default registry is never used.
/// </summary>
internal static class ProcessMetrics
{
    public static void Register(CollectorRegistry registry, IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(factory);
        var cpu = factory.CreateCounter("process_cpu_seconds_total", "CPU time of the server process, user and system, in seconds.");
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory (RSS) of the server process, in bytes.");
        registry.AddBeforeCollectCallback(() =>
        {
            cpu.IncTo(Environment.CpuUsage.TotalTime.TotalSeconds);
            resident.Set(Environment.WorkingSet);
        });
    }
}
