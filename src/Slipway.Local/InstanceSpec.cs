using System.Collections.Frozen;
using Slipway.Core.Spec;

namespace Slipway.Local;

/// <summary>
/// One process to run: which revision of which app×env it belongs to and how to start and probe
/// it. The supervisor adds PORT (allocated), SLIPWAY_APP, SLIPWAY_ENV, SLIPWAY_REVISION and
/// SLIPWAY_INSTANCE to <see cref="Env"/>.
/// </summary>
/// <param name="InstanceId">Unique across the supervisor; also a file name, so letters, digits, '-', '_' and '.' only.</param>
/// <param name="WorkingDirectory">The artifact directory. Each instance runs in a copy of its own
/// (<see cref="Instance.WorkingDirectory"/>), so relative commands resolve against that copy.</param>
/// <param name="Command">Looked up on PATH unless it holds a '/'.</param>
/// <param name="AppUid">The identity of the app×env that created it, so an instance of a deleted app is never taken
/// for one of a new app with the same name; null in records written before apps had one.</param>
/// <param name="CreatedAt">When the controller created the instance (restarts of its process do not change it).</param>
public sealed record InstanceSpec(
    string App,
    string Environment,
    int Revision,
    string InstanceId,
    string WorkingDirectory,
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    ProbeSet Probes,
    TimeSpan TerminationGracePeriod,
    string? AppUid = null,
    DateTimeOffset CreatedAt = default)
{
    /// <summary>
    /// Env variables whose values are secrets, by env name: the secret, key and pinned version, never the value. The
    /// supervisor asks <see cref="IInstanceSecrets"/> for the values at each start, so that the state files, which hold
    /// this spec, never hold a secret. Empty in records written before secrets existed.
    /// </summary>
    public IReadOnlyDictionary<string, SecretKeyRef> SecretEnv { get; init; } = FrozenDictionary<string, SecretKeyRef>.Empty;

    /// <summary>
    /// The image to run, pinned by digest (<c>registry/name@sha256:…</c>): the instance is then a container, and
    /// <see cref="WorkingDirectory"/> is unused (""); <see cref="Command"/> ("" for the image's own) replaces the
    /// image's entrypoint and <see cref="Args"/> its command, as in Kubernetes. Null for a directory artifact.
    /// </summary>
    public string? Image { get; init; }

    /// <summary>Throws when a name would escape its directory or the spec cannot run.</summary>
    internal void Validate()
    {
        RequireFileName(App, nameof(App));
        RequireFileName(Environment, nameof(Environment));
        RequireFileName(InstanceId, nameof(InstanceId));
        ArgumentOutOfRangeException.ThrowIfNegative(Revision);
        ArgumentOutOfRangeException.ThrowIfLessThan(TerminationGracePeriod, TimeSpan.Zero);
        if (Image is not null)
        {
            return;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Command);
        if (!Directory.Exists(WorkingDirectory))
        {
            throw new ArgumentException($"working directory '{WorkingDirectory}' does not exist", nameof(WorkingDirectory));
        }
    }

    private static void RequireFileName(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value is "." or ".." || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"{name} '{value}' may hold only letters, digits, '-', '_' and '.'", name);
        }
    }
}
