using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Slipway.Local.Processes;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// Instance ports come from Slipway's own range, outside the kernel's ephemeral range, and an instance whose port is
/// taken by another process while it is down moves to a new port instead of crash-looping on it.
/// </summary>
public sealed class PortTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    [Fact]
    public async Task Allocated_ports_are_inside_the_instance_range_and_outside_the_ephemeral_range()
    {
        var harness = Harness(new SupervisorOptions());
        var ephemeral = ReadEphemeralRange();
        output.WriteLine($"ephemeral range {ephemeral.First}-{ephemeral.Last}, instance range {harness.Options.InstancePorts}");

        var instances = Enumerable.Range(1, 6).Select(i => harness.Supervisor.Start(harness.Shell($"ports-{i}", "exec sleep 60"))).ToList();

        Assert.Equal(instances.Count, instances.Select(i => i.Port).Distinct().Count());
        Assert.All(instances, i =>
        {
            Assert.InRange(i.Port, PortRange.DefaultInstancePorts.First, PortRange.DefaultInstancePorts.Last);
            Assert.False(i.Port >= ephemeral.First && i.Port <= ephemeral.Last, $"port {i.Port} is in the ephemeral range");
            Assert.Equal($"127.0.0.1:{i.Port}", i.Endpoint);
        });

        // The process is given the port it was allocated.
        var first = instances[0];
        await Eventually.TrueAsync(() => first.Status.Pid != 0, "the first instance runs");
        Assert.Contains(first.Status.Pid, ProcEnvironment.FindProcesses(new Dictionary<string, string>
        {
            ["SLIPWAY_INSTANCE"] = first.Spec.InstanceId,
            ["PORT"] = first.Port.ToString(CultureInfo.InvariantCulture),
        }));
    }

    [Fact]
    public async Task Ports_in_use_and_ports_of_instances_that_are_down_are_not_given_again()
    {
        var range = FreeRun(3);
        var harness = Harness(new SupervisorOptions { InstancePorts = range, InitialRestartBackoff = TimeSpan.FromMinutes(10) });
        using var squatter = Listen(range.First + 1);

        // Down after its first exit, waiting ten minutes to restart on its port: the port is free but stays its own.
        var crasher = harness.Supervisor.Start(harness.Shell("down-1", "exit 1"));
        await Eventually.TrueAsync(() => crasher.Status is { Pid: 0, LastExit: "exit code 1" }, $"the crasher is down (now {crasher.Status})");
        Assert.True(PortAllocator.CanBind(crasher.Port));

        var other = harness.Supervisor.Start(harness.Shell("up-1", "exec sleep 60"));

        Assert.Equal([range.First, range.Last], new[] { crasher.Port, other.Port }.Order());
        var refused = Assert.Throws<InvalidOperationException>(() => harness.Supervisor.Start(harness.Shell("none-1", "exec sleep 60")));
        Assert.Equal($"no port for the instance: every port of the instance range {range} outside the kernel's ephemeral range is taken", refused.Message);
    }

    [Fact]
    public async Task An_instance_whose_port_is_taken_while_it_waits_to_restart_comes_back_ready_on_another_port()
    {
        // A backoff long enough for the test to take the port first, whatever the machine's load.
        var harness = Harness(new SupervisorOptions { InitialRestartBackoff = TimeSpan.FromSeconds(3) });
        var instance = harness.Supervisor.Start(SupervisorHarness.Sample("taken-1"));
        await harness.WaitReadyAsync(instance);
        var port = instance.Port;
        var endpoints = new List<string>();
        harness.Supervisor.Changed += i =>
        {
            lock (endpoints)
            {
                endpoints.Add(i.Endpoint);
            }
        };

        var (squatter, kills) = await TakePortWhileDownAsync(instance, port);
        using (squatter)
        {
            await Eventually.TrueAsync(() => instance.Status is { Ready: true } && instance.Port != port, $"ready on another port (now {instance.Status})");

            Assert.InRange(instance.Port, harness.Options.InstancePorts.First, harness.Options.InstancePorts.Last);
            Assert.EndsWith($"port {port} is taken by another process; moved to port {instance.Port}", instance.Status.LastExit);
            Assert.Equal("taken-1", (await harness.GetRootAsync(instance)).GetProperty("instance").GetString());
            lock (endpoints)
            {
                Assert.Contains($"127.0.0.1:{instance.Port}", endpoints);
            }

            // One restart per kill, the last on the new port: no crash loop on the taken one. (One more when the test
            // took the port just after the runner checked it: that start fails, and the next one moves.)
            Assert.InRange(instance.Status.Restarts, kills, kills + 1);
        }
    }

    [Fact]
    public async Task An_instance_that_died_with_no_supervisor_and_lost_its_port_is_adopted_on_another_port_which_its_record_keeps()
    {
        var harness = Harness(new SupervisorOptions { InitialRestartBackoff = TimeSpan.FromMilliseconds(200) });
        var instance = harness.Supervisor.Start(SupervisorHarness.Sample("taken-2"));
        await harness.WaitReadyAsync(instance);
        var port = instance.Port;
        var pid = instance.Status.Pid;
        await harness.Supervisor.DisposeAsync();
        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
        await Eventually.TrueAsync(() => ProcStat.Read(pid) is not { IsAlive: true }, "the process dead");

        // The kernel lets go of a killed process's sockets on its own time: wait until the squatter has the port.
        TcpListener? squatter = null;
        await Eventually.TrueAsync(() => (squatter = TryListen(port)) is not null, $"another process listening on port {port}", TimeSpan.FromSeconds(30));
        using var taken = squatter!;

        var second = harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));
        await harness.WaitReadyAsync(adopted);
        Assert.NotEqual(port, adopted.Port);
        Assert.Contains($"port {port} is taken by another process; moved to port {adopted.Port}", adopted.Status.LastExit);
        var moved = adopted.Port;
        var movedPid = adopted.Status.Pid;

        // The next controller finds it running on its new port: adopted as it is, no restart.
        await second.DisposeAsync();
        var third = harness.NewSupervisor();
        var again = Assert.Single(await third.AdoptAllAsync(CancellationToken.None));
        Assert.Equal(moved, again.Port);
        Assert.Equal(movedPid, again.Status.Pid);
        Assert.True(again.Status.Ready);
        Assert.Equal("taken-2", (await harness.GetRootAsync(again)).GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_port_held_by_a_listener_or_by_an_outgoing_connection_cannot_be_bound_and_is_free_again_when_they_close()
    {
        using var server = Listen(0);
        var serverPort = ((IPEndPoint)server.LocalEndpoint).Port;
        Assert.False(PortAllocator.CanBind(serverPort));

        // The case this is all about: the kernel gave an outgoing connection a local port.
        using var outgoing = new TcpClient();
        await outgoing.ConnectAsync(IPAddress.Loopback, serverPort);
        var taken = ((IPEndPoint)outgoing.Client.LocalEndPoint!).Port;
        Assert.False(PortAllocator.CanBind(taken));

        outgoing.Dispose();
        server.Stop();
        Assert.True(PortAllocator.CanBind(serverPort));
    }

    [Fact]
    public void A_port_range_inside_the_ephemeral_range_is_refused_with_the_reason()
    {
        var ephemeral = ReadEphemeralRange();
        var inside = new PortRange(ephemeral.First, Math.Min(ephemeral.Last, ephemeral.First + 100));

        var error = Assert.Single(new SupervisorOptions { InstancePorts = inside }.Validate());

        Assert.Equal(
            $"instance ports {inside} all lie inside the kernel's ephemeral port range {ephemeral.First}-{ephemeral.Last} "
            + "(/proc/sys/net/ipv4/ip_local_port_range), where outgoing connections take their ports; choose a range outside it",
            error);
        Assert.Empty(new SupervisorOptions().Validate());
    }

    [Theory]
    [InlineData("20000-29999", 20000, 29999)]
    [InlineData(" 1024 - 2048 ", 1024, 2048)]
    [InlineData("5000-5000", 5000, 5000)]
    public void A_port_range_parses_from_first_dash_last(string text, int first, int last)
    {
        Assert.Equal(new PortRange(first, last), PortRange.Parse(text, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("20000")]
    [InlineData("3000-2000")]
    [InlineData("0-100")]
    [InlineData("60000-70000")]
    [InlineData("a-b")]
    public void A_port_range_that_is_not_one_says_what_was_expected(string text)
    {
        Assert.Null(PortRange.Parse(text, out var error));
        Assert.Equal($"expected a port range first-last with 1 ≤ first ≤ last ≤ 65535 (for example 20000-29999), got '{text}'", error);
    }

    private SupervisorHarness Harness(SupervisorOptions options)
    {
        var harness = new SupervisorHarness(output, options);
        _cleanup.Add(harness);
        return harness;
    }

    /// <summary>
    /// Kills the instance's process and binds its port while the instance waits to restart. Should the restart win the
    /// race on a loaded machine, the instance is killed again until the test holds the port.
    /// </summary>
    private static async Task<(TcpListener Listener, int Kills)> TakePortWhileDownAsync(Instance instance, int port)
    {
        var kills = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (instance.Status.Pid is var pid and not 0 && instance.Port == port)
            {
                PosixSignals.SignalProcess(pid, PosixSignals.SigKill);
                kills++;
                await Eventually.TrueAsync(() => instance.Status.Pid != pid, "the instance notices its process died");
            }

            if (instance.Status.Pid == 0 && TryListen(port) is { } listener)
            {
                return (listener, kills);
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"could not take port {port} while {instance} was down");
    }

    private static TcpListener Listen(int port) =>
        TryListen(port) ?? throw new InvalidOperationException($"port {port} cannot be bound");

    private static TcpListener? TryListen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            // As a server would: a port whose only connections are in TIME_WAIT is free.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }

    /// <summary><paramref name="length"/> consecutive ports of the default instance range that nothing uses now.</summary>
    private static PortRange FreeRun(int length)
    {
        var range = PortRange.DefaultInstancePorts;
        var start = Random.Shared.Next(range.Count - length);
        for (var i = 0; i < range.Count - length; i++)
        {
            var first = range.First + (start + i) % (range.Count - length);
            if (Enumerable.Range(first, length).All(PortAllocator.CanBind))
            {
                return new PortRange(first, first + length - 1);
            }
        }

        throw new InvalidOperationException($"no {length} consecutive free ports in {range}");
    }

    private static (int First, int Last) ReadEphemeralRange()
    {
        var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
