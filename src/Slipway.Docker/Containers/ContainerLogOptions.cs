namespace Slipway.Docker.Containers;

/// <summary>Which of a container's log to read.</summary>
/// <param name="Follow">Keep reading until the container stops (or the token is cancelled).</param>
/// <param name="Since">Only messages at or after this time: the time of the last one read plus one tick resumes a
/// reader where it stopped (after a controller restart) without repeating a line.</param>
/// <param name="Stdout">Read standard output.</param>
/// <param name="Stderr">Read standard error.</param>
public sealed record ContainerLogOptions(bool Follow = false, DateTimeOffset? Since = null, bool Stdout = true, bool Stderr = true);
