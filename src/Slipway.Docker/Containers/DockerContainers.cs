using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Slipway.Docker.Engine;

namespace Slipway.Docker.Containers;

/// <summary>
/// The container operations the local target's container runtime uses: create, start, inspect, wait, kill, stop,
/// remove, list by label, and logs. Each is idempotent where the engine lets it be: removing or killing what is gone
/// answers false instead of throwing, so a reconcile pass that repeats an action after a crash finds nothing wrong.
/// </summary>
public sealed class DockerContainers
{
    private readonly EngineConnection _connection;

    internal DockerContainers(EngineConnection connection) => _connection = connection;

    /// <summary>Creates (does not start) the container and returns its ID.</summary>
    public async Task<string> CreateAsync(ContainerSpec spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var body = new CreateBody(
            spec.Image,
            spec.Command is null ? null : [spec.Command],
            spec.Command is null ? spec.Args?.ToList() : [.. spec.Args ?? []],
            spec.Environment?.Select(e => $"{e.Key}={e.Value}").ToList(),
            spec.Labels?.ToDictionary(),
            spec.StopSignal,
            spec.WorkingDirectory,
            spec.User,
            new HostConfigBody(
                "host",
                new RestartPolicyBody("no"),
                spec.Init,
                new LogConfigBody("json-file", new Dictionary<string, string> { ["max-size"] = spec.LogMaxSize, ["max-file"] = "3" })));
        var path = "containers/create" + (spec.Name is { } name ? "?name=" + Uri.EscapeDataString(name) : "");
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = EngineConnection.Json(body) }, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DockerEngineException(
                $"creating a container of {spec.Image}: the engine does not have that image (pull it first): {await EngineConnection.ErrorMessageAsync(response, ct).ConfigureAwait(false)}",
                response.StatusCode);
        }

        await EngineConnection.EnsureSuccessAsync(response, $"creating a container of {spec.Image}", ct).ConfigureAwait(false);
        return (await EngineConnection.ReadJsonAsync<CreateAnswer>(response, ct).ConfigureAwait(false)).Id;
    }

    /// <summary>Starts the container; starting one that runs is not an error.</summary>
    public async Task StartAsync(string id, CancellationToken ct)
    {
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"containers/{id}/start"), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"starting container {id}", ct).ConfigureAwait(false);
    }

    /// <summary>The container's state, or null when there is no such container.</summary>
    public async Task<ContainerState?> InspectAsync(string id, CancellationToken ct)
    {
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"containers/{id}/json"), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"inspecting container {id}", ct).ConfigureAwait(false);
        var c = await EngineConnection.ReadJsonAsync<InspectAnswer>(response, ct).ConfigureAwait(false);
        var s = c.State;
        return new ContainerState(
            c.Id,
            c.Name.TrimStart('/'),
            c.Image,
            c.Config?.Image ?? c.Image,
            c.Config?.Labels ?? new Dictionary<string, string>(),
            s.Status,
            s.Running,
            s.Pid,
            Time(s.StartedAt),
            Time(s.FinishedAt),
            s.ExitCode,
            s.OomKilled,
            string.IsNullOrEmpty(s.Error) ? null : s.Error,
            c.Config?.StopSignal,
            c.HostConfig?.RestartPolicy?.Name is { Length: > 0 } policy ? policy : "no");
    }

    /// <summary>
    /// Waits until the container is not running (at once when it is not) and returns how it ended. Only
    /// <paramref name="ct"/> bounds the wait.
    /// </summary>
    public async Task<ContainerExit> WaitAsync(string id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"containers/{id}/wait?condition=not-running");
        using var response = await _connection.SendStreamingAsync(request, ct).ConfigureAwait(false);
        await EngineConnection.EnsureSuccessAsync(response, $"waiting for container {id}", ct).ConfigureAwait(false);
        var answer = await EngineConnection.ReadJsonAsync<WaitAnswer>(response, ct).ConfigureAwait(false);
        return new ContainerExit(answer.StatusCode, answer.Error?.Message is { Length: > 0 } message ? message : null);
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. SIGTERM, SIGKILL) to the main process; false when it does not run.</summary>
    public async Task<bool> KillAsync(string id, string signal, CancellationToken ct)
    {
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"containers/{id}/kill?signal={Uri.EscapeDataString(signal)}"), ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return false;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"sending {signal} to container {id}", ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The engine's own graceful stop: the stop signal, up to <paramref name="grace"/>, then SIGKILL. False when it was
    /// not running. (The runtime may as well do the same with <see cref="KillAsync"/> and <see cref="WaitAsync"/>.)
    /// </summary>
    public async Task<bool> StopAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        var seconds = (int)Math.Ceiling(grace.TotalSeconds);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"containers/{id}/stop?t={seconds}");
        using var response = await _connection.SendStreamingAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotModified or HttpStatusCode.NotFound)
        {
            return false;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"stopping container {id}", ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes the container, killing it if it runs; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string id, CancellationToken ct)
    {
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"containers/{id}?force=1&v=1"), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        // 409: a removal already in progress (a second reconcile pass racing the first) ends the same way.
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return true;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"removing container {id}", ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>The containers, running or not, that carry every one of <paramref name="labels"/>.</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [.. labels.Select(l => $"{l.Key}={l.Value}")] });
        var list = await _connection.GetJsonAsync<List<ListAnswer>>($"containers/json?all=1&filters={Uri.EscapeDataString(filters)}", ct).ConfigureAwait(false);
        return list.Select(c => new ContainerSummary(
            c.Id,
            c.Names?.FirstOrDefault()?.TrimStart('/') ?? "",
            c.Image,
            c.ImageId,
            c.Labels ?? new Dictionary<string, string>(),
            c.State,
            DateTimeOffset.FromUnixTimeSeconds(c.Created))).ToList();
    }

    /// <summary>
    /// Runs <paramref name="command"/> inside the running container (no shell: the first word is the program) with
    /// the container's environment plus <paramref name="environment"/>, and waits for it to end — what an exec probe
    /// of an image instance is. <paramref name="ct"/> bounds the wait (a probe's timeout); the command is not killed
    /// by it, as Kubernetes does not kill an exec probe's command either.
    /// </summary>
    public async Task<ContainerExecResult> ExecAsync(string id, IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment, int maxOutputBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var create = new ExecBody([.. command], environment?.Select(e => $"{e.Key}={e.Value}").ToList(), AttachStdout: true, AttachStderr: true);
        using var created = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"containers/{id}/exec") { Content = EngineConnection.Json(create) }, ct).ConfigureAwait(false);
        await EngineConnection.EnsureSuccessAsync(created, $"running {command[0]} in container {id}", ct).ConfigureAwait(false);
        var exec = (await EngineConnection.ReadJsonAsync<CreateAnswer>(created, ct).ConfigureAwait(false)).Id;

        using var start = new HttpRequestMessage(HttpMethod.Post, $"exec/{exec}/start") { Content = EngineConnection.Json(new ExecStartBody(Detach: false, Tty: false)) };
        using var started = await _connection.SendStreamingAsync(start, ct).ConfigureAwait(false);
        await EngineConnection.EnsureSuccessAsync(started, $"running {command[0]} in container {id}", ct).ConfigureAwait(false);
        var output = new MemoryStream();
        await using (var body = await started.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
        {
            var header = new byte[8];
            while (await ReadFullyAsync(body, header, ct).ConfigureAwait(false))
            {
                var payload = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4))];
                await body.ReadExactlyAsync(payload, ct).ConfigureAwait(false);
                if (header[0] is 1 or 2 && output.Length < maxOutputBytes)
                {
                    output.Write(payload, 0, (int)Math.Min(payload.Length, maxOutputBytes - output.Length));
                }
            }
        }

        var inspected = await _connection.GetJsonAsync<ExecInspectAnswer>($"exec/{exec}/json", ct).ConfigureAwait(false);
        return new ContainerExecResult(inspected.ExitCode ?? -1, Encoding.UTF8.GetString(output.ToArray()));
    }

    private static async Task<bool> ReadFullyAsync(Stream body, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), ct).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new InvalidDataException("the exec output stream ended inside a frame header");
            }

            read += n;
        }

        return true;
    }

    /// <summary>The container's log messages, stdout and stderr apart, each with its time.</summary>
    public async IAsyncEnumerable<ContainerLogEntry> ReadLogsAsync(string id, ContainerLogOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var query = $"stdout={(options.Stdout ? 1 : 0)}&stderr={(options.Stderr ? 1 : 0)}&timestamps=1&follow={(options.Follow ? 1 : 0)}";
        if (options.Since is { } since)
        {
            query += "&since=" + LogFrames.Since(since);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"containers/{id}/logs?{query}");
        using var response = await _connection.SendStreamingAsync(request, ct).ConfigureAwait(false);
        await EngineConnection.EnsureSuccessAsync(response, $"reading the logs of container {id}", ct).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var entry in LogFrames.ReadAsync(body, ct).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <summary>
    /// Appends the container's log to <paramref name="path"/>, stdout and stderr interleaved as they came (as an
    /// instance process's log file holds them), each message written and flushed as it arrives; with
    /// <see cref="ContainerLogOptions.Follow"/>, until the container stops or <paramref name="ct"/> is cancelled.
    /// Returns the time of the last message appended (null if none), from which the next call resumes.
    /// </summary>
    /// <param name="timestamps">Prefix each line with the engine's time, as <c>docker logs -t</c> does.</param>
    public async Task<DateTimeOffset?> AppendLogsAsync(string id, string path, ContainerLogOptions options, bool timestamps, CancellationToken ct)
    {
        DateTimeOffset? last = null;
        // Append and unbuffered: a rotator's copy-truncate stays safe, and a reader sees each line at once.
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        try
        {
            await foreach (var entry in ReadLogsAsync(id, options, ct).ConfigureAwait(false))
            {
                var text = timestamps ? entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z' ", System.Globalization.CultureInfo.InvariantCulture) + entry.Text : entry.Text;
                await file.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
                last = entry.Time;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Cancelled mid-follow: what was appended is the answer; the caller resumes from it.
        }

        return last;
    }

    private static DateTimeOffset? Time(string? text) =>
        text is null || text.StartsWith("0001-01-01", StringComparison.Ordinal) || !LogFrames.TryParseTime(text, out var time) ? null : time;

    private sealed record CreateBody(
        string Image,
        List<string>? Entrypoint,
        List<string>? Cmd,
        List<string>? Env,
        Dictionary<string, string>? Labels,
        string? StopSignal,
        string? WorkingDir,
        string? User,
        HostConfigBody HostConfig);

    private sealed record HostConfigBody(string NetworkMode, RestartPolicyBody RestartPolicy, bool Init, LogConfigBody LogConfig);

    private sealed record RestartPolicyBody(string Name);

    private sealed record LogConfigBody(string Type, Dictionary<string, string> Config);

    private sealed record CreateAnswer(string Id);

    private sealed record ExecBody(List<string> Cmd, List<string>? Env, bool AttachStdout, bool AttachStderr);

    private sealed record ExecStartBody(bool Detach, bool Tty);

    private sealed record ExecInspectAnswer(int? ExitCode, bool Running);

    private sealed record InspectAnswer(string Id, string Name, string Image, InspectState State, InspectConfig? Config, InspectHostConfig? HostConfig);

    private sealed record InspectHostConfig(RestartPolicyBody? RestartPolicy);

    private sealed record InspectState(string Status, bool Running, int Pid, string? StartedAt, string? FinishedAt, int ExitCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("OOMKilled")] bool OomKilled, string? Error);

    private sealed record InspectConfig(string? Image, Dictionary<string, string>? Labels, string? StopSignal);

    private sealed record WaitAnswer(int StatusCode, WaitError? Error);

    private sealed record WaitError(string? Message);

    private sealed record ListAnswer(string Id, List<string>? Names, string Image,
        [property: System.Text.Json.Serialization.JsonPropertyName("ImageID")] string ImageId,
        Dictionary<string, string>? Labels, string State, long Created);
}
