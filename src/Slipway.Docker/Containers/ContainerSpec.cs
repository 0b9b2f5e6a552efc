namespace Slipway.Docker.Containers;

/// <summary>
/// A container to create: one instance of an app, as the local target runs it. Host networking (the instance listens
/// on the <c>$PORT</c> Slipway gives it in <see cref="Environment"/>, as a process would), no restart policy (Slipway
/// restarts, with its own backoff, and must see every exit), and labels by which a controller that restarted finds its
/// containers again.
/// </summary>
/// <param name="Image">What to run: <c>REGISTRY/NAME@sha256:…</c> (the engine must have it: pull first) or an image ID.</param>
/// <param name="Name">The container's name; null lets the engine choose one.</param>
/// <param name="Command">Replaces the image's ENTRYPOINT (and drops its CMD); null keeps both.</param>
/// <param name="Args">Replaces the image's CMD; null keeps it (unless <paramref name="Command"/> is set).</param>
/// <param name="Environment">Added to the image's ENV. Secret values included: the engine stores them in the container's config.</param>
/// <param name="StopSignal">The signal a stop sends first (the image's STOPSIGNAL when null).</param>
/// <param name="Init">
/// Runs docker-init (tini) as PID 1 so the app is not: a PID 1 without a SIGTERM handler ignores SIGTERM, which
/// would turn every graceful stop into a SIGKILL after the grace period. On by default.
/// </param>
/// <param name="LogMaxSize">The engine's own log file for the container is rotated at this size (3 files kept);
/// Slipway keeps the instance's log in its own file, so the engine's copy only has to cover a controller restart.</param>
public sealed record ContainerSpec(
    string Image,
    string? Name = null,
    string? Command = null,
    IReadOnlyList<string>? Args = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    IReadOnlyDictionary<string, string>? Labels = null,
    string? StopSignal = "SIGTERM",
    string? WorkingDirectory = null,
    string? User = null,
    bool Init = true,
    string LogMaxSize = "10m")
{
    /// <summary>Never the environment's values: they may be secrets.</summary>
    public override string ToString() =>
        $"ContainerSpec {{ Image = {Image}, Name = {Name}, Command = {Command}, Args = [{string.Join(", ", Args ?? [])}], " +
        $"Environment = [{string.Join(", ", (Environment ?? new Dictionary<string, string>()).Keys)}], Labels = {Labels?.Count ?? 0} }}";
}
