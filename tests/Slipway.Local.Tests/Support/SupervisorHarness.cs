using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Slipway.Core.Spec;
using Slipway.Local.Processes;

namespace Slipway.Local.Tests.Support;

/// <summary>
/// A supervisor on a fresh data directory, with specs for the sample service and for shell
/// scripts. Disposing it stops every instance it knows and then, as a safety net, SIGKILLs the
/// process group of anything still recorded, so no test leaves a process behind.
/// </summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public static readonly ProbeSet HealthzReadiness =
        new(null, new ProbeSpec(new HttpGetAction("/healthz", null), PeriodSeconds: 1, TimeoutSeconds: 2), null);

    private readonly ITestOutputHelper _output;
    private readonly List<LocalSupervisor> _supervisors = [];
    private readonly HashSet<int> _extraGroups = [];

    public SupervisorHarness(ITestOutputHelper output, SupervisorOptions? options = null, IInstanceSecrets? secrets = null, Docker.DockerEngine? docker = null)
    {
        Secrets = secrets;
        Docker = docker;
        _output = output;
        Root = Directory.CreateTempSubdirectory("slipway-local-").FullName;
        DataDirectory = Path.Combine(Root, "data");
        WorkDirectory = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        Options = options ?? new SupervisorOptions { InitialRestartBackoff = TimeSpan.FromMilliseconds(200) };
        LoggerFactory = TestOutputLoggerProvider.CreateFactory(output);
        Supervisor = NewSupervisor();
    }

    public string Root { get; }

    public string DataDirectory { get; }

    /// <summary>The artifact directory of shell-script instances.</summary>
    public string WorkDirectory { get; }

    public SupervisorOptions Options { get; }

    /// <summary>What gives instances their secret env; every supervisor of the harness gets it.</summary>
    public IInstanceSecrets? Secrets { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Runs the instances of images; every supervisor of the harness gets it.</summary>
    public Docker.DockerEngine? Docker { get; }

    public LocalSupervisor Supervisor { get; private set; }

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Replaces the supervisor by a new one on the same data directory, as a restarted controller would.</summary>
    public LocalSupervisor NewSupervisor()
    {
        Supervisor = new LocalSupervisor(DataDirectory, TimeProvider.System, LoggerFactory, Options, Secrets, Docker);
        _supervisors.Add(Supervisor);
        return Supervisor;
    }

    /// <summary>Also SIGKILLed at the end, for processes a test starts outside the supervisor's groups.</summary>
    public void TrackGroup(int pgid) => _extraGroups.Add(pgid);

    public static InstanceSpec Sample(
        string id,
        IReadOnlyDictionary<string, string>? env = null,
        ProbeSet? probes = null,
        int revision = 1,
        TimeSpan? grace = null,
        string? shellPrefix = null)
    {
        var (command, args) = shellPrefix is null
            ? ("dotnet", (IReadOnlyList<string>)[SampleApp.AssemblyPath])
            : ("/bin/sh", ["-c", $"{shellPrefix} exec dotnet \"$0\"", SampleApp.AssemblyPath]);
        return new InstanceSpec(
            "shop", "dev", revision, id, SampleApp.Directory, command, args,
            env ?? new Dictionary<string, string>(), probes ?? HealthzReadiness, grace ?? TimeSpan.FromSeconds(10));
    }

    public InstanceSpec Shell(string id, string script, ProbeSet? probes = null, int revision = 1, string app = "scripts") =>
        new(app, "dev", revision, id, WorkDirectory, "/bin/sh", ["-c", script],
            new Dictionary<string, string>(), probes ?? ProbeSet.None, TimeSpan.FromSeconds(5));

    /// <summary>An instance of <paramref name="image"/> (pinned by digest): its own command unless one is given.</summary>
    public static InstanceSpec Image(string id, string image, ProbeSet? probes = null, string command = "", IReadOnlyList<string>? args = null, int revision = 1) =>
        new("shop", "dev", revision, id, "", command, args ?? [], new Dictionary<string, string>(), probes ?? HealthzReadiness, TimeSpan.FromSeconds(5)) { Image = image };

    public async Task<JsonElement> GetRootAsync(Instance instance)
    {
        using var response = await Http.GetAsync($"http://{instance.Endpoint}/");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task WaitReadyAsync(Instance instance) =>
        Eventually.TrueAsync(() => instance.Status is { Ready: true, Phase: InstancePhase.Ready }, $"{instance} ready (now {instance.Status})");

    public async ValueTask DisposeAsync()
    {
        foreach (var supervisor in _supervisors)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await Task.WhenAll(supervisor.Instances.Select(i => supervisor.StopAsync(i, timeout.Token)));
            }
            catch (Exception e)
            {
                _output.WriteLine($"cleanup: stopping instances failed: {e}");
            }

            await supervisor.DisposeAsync();
        }

        foreach (var pgid in _extraGroups.Concat(RecordedPids()).Concat(ProcessesLoggingUnder(Root)))
        {
            if (pgid > 0 && ProcStat.GroupMembers(pgid).Count > 0)
            {
                _output.WriteLine($"cleanup: killing leftover process group {pgid}");
                PosixSignals.SignalGroup(pgid, PosixSignals.SigKill);
            }
        }

        Http.Dispose();
        LoggerFactory.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Every live process whose stdout is a file under <paramref name="directory"/>: an instance of this test, whatever became of its state.</summary>
    public static IReadOnlyList<int> ProcessesLoggingUnder(string directory)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid)
                    && new FileInfo(Path.Combine(dir, "fd", "1")).LinkTarget is { } target
                    && target.StartsWith(directory + "/", StringComparison.Ordinal)
                    && ProcStat.Read(pid) is { IsAlive: true })
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or not ours to inspect.
            }
        }

        return pids;
    }

    private IEnumerable<int> RecordedPids()
    {
        var dir = Path.Combine(DataDirectory, "instances");
        if (!Directory.Exists(dir))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            if (doc.RootElement.TryGetProperty("pid", out var pid))
            {
                yield return pid.GetInt32();
            }
        }
    }
}
