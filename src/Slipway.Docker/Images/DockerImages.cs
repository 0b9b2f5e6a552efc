using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Slipway.Docker.Build;
using Slipway.Docker.Engine;
using Slipway.Oci;

namespace Slipway.Docker.Images;

/// <summary>The engine's image operations: build, push, pull, inspect, tag, remove.</summary>
public sealed partial class DockerImages
{
    private readonly EngineConnection _connection;
    private readonly ILogger _logger;

    internal DockerImages(EngineConnection connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
    }

    /// <summary>
    /// Builds <paramref name="request"/> and returns the image's ID. Each line of the engine's output goes to
    /// <paramref name="onOutput"/> as it arrives; a failing step throws <see cref="ImageBuildException"/> naming it.
    /// </summary>
    public async Task<string> BuildAsync(ImageBuildRequest request, Action<string>? onOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        // One LABEL line at the Dockerfile's end labels the last stage; a build of another target gets them the engine's way.
        var labelLine = request.Target is null && request.Labels is { } all ? LabelInstruction.TryFormat(all) : null;
        var context = BuildContext.Create(request.ContextDirectory, request.DockerfilePath, labelLine);
        var query = new List<string>
        {
            "dockerfile=" + Uri.EscapeDataString(context.DockerfileName),
            // Intermediate containers go, failed or not: a build leaves only images behind.
            "rm=1",
            "forcerm=1",
        };
        query.AddRange((request.Tags ?? []).Select(tag => "t=" + Uri.EscapeDataString(tag)));
        if (labelLine is null && request.Labels is { Count: > 0 } labels)
        {
            query.Add("labels=" + Uri.EscapeDataString(JsonSerializer.Serialize(labels)));
        }

        if (request.BuildArgs is { Count: > 0 } args)
        {
            query.Add("buildargs=" + Uri.EscapeDataString(JsonSerializer.Serialize(args)));
        }

        if (request.Target is { } target)
        {
            query.Add("target=" + Uri.EscapeDataString(target));
        }

        if (request.NoCache)
        {
            query.Add("nocache=1");
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, "build?" + string.Join('&', query)) { Content = context.Content() };
        Log.Building(_logger, request.ContextDirectory, context.DockerfileName, request.Tags?.Count ?? 0);
        HttpResponseMessage response;
        try
        {
            response = await _connection.SendStreamingAsync(message, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            // Reading the context failed while it was being sent (a file unreadable or gone): say which, not "copying content".
            throw new ImageBuildException(null, $"the build context {request.ContextDirectory} could not be sent: {e.InnerException.Message}");
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new ImageBuildException(null, await EngineConnection.ErrorMessageAsync(response, ct).ConfigureAwait(false));
        }

        string? step = null;
        string? imageId = null;
        var lines = new LineSplitter(line =>
        {
            if (StepLine().Match(line) is { Success: true } match)
            {
                step = $"step {match.Groups[1].Value} ({match.Groups[2].Value.Trim()})";
            }
            else if (SuccessLine().Match(line) is { Success: true } built)
            {
                imageId ??= built.Groups[1].Value;
            }

            onOutput?.Invoke(line);
        });

        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var progress in JsonMessageStream.ReadAsync(body, ct).ConfigureAwait(false))
        {
            if (progress.Failure is { } failure)
            {
                lines.Flush();
                throw new ImageBuildException(step, failure);
            }

            if (progress.Stream is { } text)
            {
                lines.Add(text);
            }

            if (progress.Aux is { ValueKind: JsonValueKind.Object } aux && aux.TryGetProperty("ID", out var id) && id.GetString() is { } full)
            {
                imageId = full;
            }
        }

        lines.Flush();
        if (imageId is null)
        {
            throw new ImageBuildException(step, "the engine's output ended without the built image's ID (the connection may have dropped)");
        }

        return imageId.StartsWith("sha256:", StringComparison.Ordinal) ? imageId : await FullIdAsync(imageId, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes <paramref name="reference"/> (a tag the engine has) to its registry and returns the manifest's digest as
    /// the registry stored it. Layer status lines (pushed, already exists) go to <paramref name="onOutput"/>.
    /// </summary>
    public async Task<Digest> PushAsync(ImageReference reference, RegistryCredentials? credentials, Action<string>? onOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var tag = reference.Tag ?? throw new ArgumentException($"'{reference}' has no tag: the engine pushes a tag", nameof(reference));
        using var message = new HttpRequestMessage(HttpMethod.Post, $"images/{reference.Name}/push?tag={Uri.EscapeDataString(tag)}");
        message.Headers.Add("X-Registry-Auth", RegistryCredentials.Header(credentials));
        Digest? digest = null;
        await foreach (var progress in StreamAsync(message, $"push of {reference}", ct).ConfigureAwait(false))
        {
            if (progress.Aux is { ValueKind: JsonValueKind.Object } aux && aux.TryGetProperty("Digest", out var value) &&
                Digest.TryParse(value.GetString(), out var pushed))
            {
                digest = pushed;
            }

            // Per-layer progress bars ("Pushing [==> ]") would flood a log; the outcome per layer is what matters.
            if (progress.Status is { } status && progress.Progress is null && status is not ("Pushing" or "Preparing" or "Waiting"))
            {
                onOutput?.Invoke(progress.Id is { } id ? $"{id}: {status}" : status);
            }
        }

        var result = digest ?? throw new DockerEngineException($"push of {reference}: the engine's output ended without the pushed manifest's digest");
        Log.Pushed(_logger, reference.ToString(), result.ToString());
        return result;
    }

    /// <summary>Pulls <paramref name="reference"/> (by digest or tag) into the engine.</summary>
    public async Task PullAsync(ImageReference reference, RegistryCredentials? credentials, Action<string>? onOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var query = reference.Digest is { } digest
            ? $"fromImage={Uri.EscapeDataString(reference.Name + "@" + digest)}"
            : $"fromImage={Uri.EscapeDataString(reference.Name)}&tag={Uri.EscapeDataString(reference.Tag ?? "latest")}";
        using var message = new HttpRequestMessage(HttpMethod.Post, "images/create?" + query);
        message.Headers.Add("X-Registry-Auth", RegistryCredentials.Header(credentials));
        await foreach (var progress in StreamAsync(message, $"pull of {reference}", ct).ConfigureAwait(false))
        {
            if (progress.Status is { } status && progress.Progress is null && status is not ("Downloading" or "Extracting" or "Waiting"))
            {
                onOutput?.Invoke(progress.Id is { } id ? $"{id}: {status}" : status);
            }
        }
    }

    /// <summary>The image named <paramref name="nameOrId"/> (a tag, a repo digest or an ID), or null when the engine has none.</summary>
    public async Task<ImageDetails?> InspectAsync(string nameOrId, CancellationToken ct)
    {
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"images/{nameOrId}/json"), ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"inspecting image {nameOrId}", ct).ConfigureAwait(false);
        var image = await EngineConnection.ReadJsonAsync<ImageInspect>(response, ct).ConfigureAwait(false);
        return new ImageDetails(
            image.Id,
            image.RepoTags ?? [],
            image.RepoDigests ?? [],
            image.Size,
            DateTimeOffset.TryParse(image.Created, out var created) ? created : null,
            image.Config?.User ?? "",
            image.Config?.Env ?? [],
            image.Config?.Labels ?? new Dictionary<string, string>());
    }

    /// <summary>Gives the image <paramref name="source"/> (a name or ID) the tag <paramref name="target"/>.</summary>
    public async Task TagAsync(string source, ImageReference target, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        var path = $"images/{source}/tag?repo={Uri.EscapeDataString(target.Name)}&tag={Uri.EscapeDataString(target.Tag ?? "latest")}";
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Post, path), ct).ConfigureAwait(false);
        await EngineConnection.EnsureSuccessAsync(response, $"tagging {source} as {target}", ct).ConfigureAwait(false);
    }

    /// <summary>Removes a tag or an image; false when there was none. Without <paramref name="force"/>, an image a container uses stays.</summary>
    public async Task<bool> RemoveAsync(string nameOrId, bool force, CancellationToken ct)
    {
        using var response = await _connection.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"images/{nameOrId}?force={(force ? "1" : "0")}"), ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }

        await EngineConnection.EnsureSuccessAsync(response, $"removing image {nameOrId}", ct).ConfigureAwait(false);
        return true;
    }

    private async IAsyncEnumerable<JsonMessage> StreamAsync(HttpRequestMessage message, string what, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await _connection.SendStreamingAsync(message, ct).ConfigureAwait(false);
        await EngineConnection.EnsureSuccessAsync(response, what, ct).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await foreach (var progress in JsonMessageStream.ReadAsync(body, ct).ConfigureAwait(false))
        {
            if (progress.Failure is { } failure)
            {
                throw new DockerEngineException($"{what} failed: {failure}");
            }

            yield return progress;
        }
    }

    private async Task<string> FullIdAsync(string shortId, CancellationToken ct) =>
        (await InspectAsync(shortId, ct).ConfigureAwait(false))?.Id
        ?? throw new ImageBuildException(null, $"the engine reported image {shortId} built but does not know it");

    // "Step 3/5 : RUN make" — the classic builder's announcement of each instruction.
    [GeneratedRegex(@"^Step (\d+/\d+) : (.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^Successfully built ([0-9a-f]{12,64})$", RegexOptions.CultureInvariant)]
    private static partial Regex SuccessLine();

    private sealed record ImageInspect(string Id, List<string>? RepoTags, List<string>? RepoDigests, long Size, string? Created, ImageConfig? Config);

    private sealed record ImageConfig(string? User, List<string>? Env, Dictionary<string, string>? Labels);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Building {Context} ({Dockerfile}) with {TagCount} tags")]
        public static partial void Building(ILogger logger, string context, string dockerfile, int tagCount);

        [LoggerMessage(Level = LogLevel.Information, Message = "Pushed {Reference} as {Digest}")]
        public static partial void Pushed(ILogger logger, string reference, string digest);
    }
}
