using System.Collections.Concurrent;
using System.Text;
using Slipway.Core.Spec;
using Slipway.Local.Processes;
using Slipway.Local.Tests.Support;

namespace Slipway.Local.Tests;

/// <summary>
/// Secret env: the values are asked for at every start and restart (by this supervisor, or by the next one after an
/// adoption) and go into the process's environment only; the state files hold the references. Values are checked by
/// presence in /proc, never printed.
/// </summary>
public sealed class SecretEnvTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _value = "sentinel-" + Guid.NewGuid().ToString("N");
    private readonly FakeSecrets _secrets = new();
    private SupervisorHarness _harness = null!;

    public Task InitializeAsync()
    {
        _secrets.Values["db/url"] = _value;
        _harness = new SupervisorHarness(output, secrets: _secrets);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_instance_gets_its_secret_env_at_start_and_the_state_file_holds_only_the_reference()
    {
        var instance = _harness.Supervisor.Start(WithSecret("secret-1"));
        await _harness.WaitReadyAsync(instance);

        Assert.True(HasValue(instance), "the process's environment holds the value");
        Assert.Equal(1, _secrets.Calls);
        var state = await File.ReadAllTextAsync(Path.Combine(_harness.DataDirectory, "instances", "secret-1.json"));
        Assert.Contains("\"secretEnv\":{\"DATABASE_URL\":{\"name\":\"db\",\"key\":\"url\",\"version\":3}}", state.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(FilesHoldingTheValue());
    }

    [Fact]
    public async Task A_restart_asks_again_and_so_does_the_next_supervisor_for_an_adopted_instance()
    {
        var instance = _harness.Supervisor.Start(WithSecret("secret-2"));
        await _harness.WaitReadyAsync(instance);
        PosixSignals.SignalGroup(instance.Status.Pid, PosixSignals.SigKill);
        await Eventually.TrueAsync(() => instance.Status.Restarts == 1, $"a restart (now {instance.Status})");
        await _harness.WaitReadyAsync(instance);
        Assert.True(HasValue(instance), "the restarted process holds the value");
        Assert.Equal(2, _secrets.Calls);

        await _harness.Supervisor.DisposeAsync();
        var second = _harness.NewSupervisor();
        var adopted = Assert.Single(await second.AdoptAllAsync(CancellationToken.None));
        PosixSignals.SignalGroup(adopted.Status.Pid, PosixSignals.SigKill);
        await Eventually.TrueAsync(() => adopted.Status.Restarts == 2, $"a restart of the adopted instance (now {adopted.Status})");
        await _harness.WaitReadyAsync(adopted);

        Assert.True(HasValue(adopted), "the process the next supervisor restarted holds the value");
        Assert.Empty(FilesHoldingTheValue());
    }

    [Fact]
    public async Task A_value_that_cannot_be_had_fails_the_start_with_the_reason_and_starts_nothing()
    {
        _secrets.Values.Clear();

        var instance = _harness.Supervisor.Start(WithSecret("secret-3"));

        await Eventually.TrueAsync(() => instance.Status.LastExit is not null, "the failed start");
        Assert.Equal("failed to start: secret db has no key url at version 3", instance.Status.LastExit);
        Assert.Equal(0, instance.Status.Pid);
        Assert.False(instance.Status.Ready);
    }

    [Fact]
    public async Task Without_access_to_secrets_the_start_fails_saying_so()
    {
        await using var harness = new SupervisorHarness(output);

        var instance = harness.Supervisor.Start(WithSecret("secret-4"));

        await Eventually.TrueAsync(() => instance.Status.LastExit is not null, "the failed start");
        Assert.Equal("failed to start: its env takes DATABASE_URL from secrets, and this supervisor has no access to secrets (the Slipway server gives them)", instance.Status.LastExit);
    }

    private static InstanceSpec WithSecret(string id) =>
        SupervisorHarness.Sample(id) with { SecretEnv = new Dictionary<string, SecretKeyRef> { ["DATABASE_URL"] = new("db", "url") { Version = 3 } } };

    private bool HasValue(Instance instance) =>
        ProcEnvironment.FindProcesses(new Dictionary<string, string> { ["DATABASE_URL"] = _value, ["SLIPWAY_INSTANCE"] = instance.Spec.InstanceId }).Contains(instance.Status.Pid);

    /// <summary>The data directory's files holding the value, the instances' own logs apart (what an app prints is its own).</summary>
    private List<string> FilesHoldingTheValue()
    {
        var needle = Encoding.UTF8.GetBytes(_value);
        return [.. Directory.EnumerateFiles(_harness.DataDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/logs/", StringComparison.Ordinal) && File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)];
    }

    /// <summary>Secrets from a dictionary ("name/key" → value), counting the calls.</summary>
    private sealed class FakeSecrets : IInstanceSecrets
    {
        private int _calls;

        public ConcurrentDictionary<string, string> Values { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public Task<SecretResolution> ResolveAsync(InstanceSpec spec, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            var values = new Dictionary<string, string>();
            foreach (var (name, reference) in spec.SecretEnv)
            {
                if (!Values.TryGetValue($"{reference.Name}/{reference.Key}", out var value))
                {
                    return Task.FromResult(SecretResolution.Failed($"secret {reference.Name} has no key {reference.Key} at version {reference.Version}"));
                }

                values[name] = value;
            }

            return Task.FromResult(SecretResolution.Resolved(values));
        }
    }
}
