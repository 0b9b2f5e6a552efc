using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Slipway.Core.Serialization;
using Slipway.Docker;
using Slipway.Docker.Build;
using Slipway.Docker.Engine;
using Slipway.Docker.Images;
using Slipway.Docker.Lint;
using Slipway.Oci;
using Slipway.Server.Secrets;
using Slipway.Store;

namespace Slipway.Server.Build;

/// <summary>
/// <c>slipway build</c> on the server: builds a context directory of this machine through the Docker Engine (with
/// <see cref="ImageBuilder"/>: names from git, live output, the image-policy lint), pushes every tag, records the image
/// by digest as a release artifact (origin <c>build</c>, by the actor), and reports each step as an event
/// (<see cref="BuildEvents"/>). A build can be cancelled (<see cref="Cancel"/>, or its caller going away) until its push
/// is done.
/// </summary>
/// <remarks>
/// The server builds, not the CLI: it has the engine, and the registry logins and signing keys a build uses are the
/// server's secrets, which never travel to a terminal. The push is done here tag by tag rather than by
/// <see cref="ImageBuilder"/>, so that the login is asked for right before it (<see cref="PushCredentialsAsync"/>) and
/// a cancel in the middle of it can say which tags reached the registry. Output lines pass through the secret
/// redaction, as logs do: a build arg or a RUN that prints a secret's value shows its name instead.
/// </remarks>
internal sealed partial class BuildService(DockerEngine engine, IStore store, ISecretLookup secrets, Images.RegistryLogins logins, TimeProvider time, ILogger<BuildService> logger)
{
    /// <summary>How an image built by <c>slipway build</c> is recorded in the store (<see cref="ImageRecord.Origin"/>).</summary>
    public const string Origin = "build";

    /// <summary>Recorded as the builder when a request names none (a script calling the API directly).</summary>
    public const string UnknownActor = "api";

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>
    /// Why <paramref name="request"/> cannot be built, as the status and message the API answers before any build
    /// starts: 400 for a malformed request, 422 for a context or Dockerfile that is not there, 503 when the engine does
    /// not answer. Null when it can.
    /// </summary>
    public async Task<(int Status, string Error)?> RefuseAsync(BuildRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Problems() is { Count: > 0 } problems)
        {
            return (StatusCodes.Status400BadRequest, string.Join(Environment.NewLine, problems));
        }

        if (!Directory.Exists(request.Context))
        {
            return (StatusCodes.Status422UnprocessableEntity,
                $"the build context {request.Context} is not a directory on the server's machine: slipway build sends the full path of --context, and the server reads it there (as it reads artifact directories)");
        }

        var dockerfile = request.DockerfilePath();
        if (!File.Exists(dockerfile))
        {
            return (StatusCodes.Status422UnprocessableEntity,
                request.Dockerfile is null
                    ? $"there is no Dockerfile in the build context {request.Context}: add one, or name it with -f PATH"
                    : $"the Dockerfile {dockerfile} does not exist: -f is relative to the context ({request.Context}) unless it is a full path");
        }

        if (!await engine.PingAsync(ct))
        {
            return (StatusCodes.Status503ServiceUnavailable, new DockerEngineUnavailableException(engine.Endpoint).Message);
        }

        return null;
    }

    /// <summary>
    /// Builds, pushes and records <paramref name="request"/> (checked by <see cref="RefuseAsync"/>), writing every event
    /// to <paramref name="events"/>, which it completes: <c>started</c> first, then <c>output</c> lines, then one of
    /// <c>result</c>, <c>failed</c> or <c>cancelled</c>. <paramref name="ct"/> is the caller's: cancelling it
    /// cancels the build.
    /// </summary>
    public async Task RunAsync(BuildRequest request, ChannelWriter<object> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _running[id] = cancel;
        try
        {
            var options = request.ToOptions();
            var dockerfile = Shown(request);
            events.TryWrite(BuildStartedEvent.Of(id, request.Context!, dockerfile, options.Repository.ToString()));
            Log.Started(logger, id, request.Context!, options.Repository.ToString());
            var last = await BuildAsync(id, request, options, dockerfile, line => events.TryWrite(BuildOutputEvent.Of(secrets.Redact(line))), cancel.Token);
            events.TryWrite(last is BuildFailedEvent failed ? failed with { Error = secrets.Redact(failed.Error) } : last);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect: the build still ends with a line that says it failed, rather than a stream cut short.
            Log.Defect(logger, id, e);
            events.TryWrite(BuildFailedEvent.Of($"the build failed unexpectedly: {secrets.Redact(e.Message)} ({e.GetType().Name}; the server's log has the details)"));
        }
        finally
        {
            _running.TryRemove(id, out _);
            events.TryComplete();
        }
    }

    /// <summary>Cancels the running build <paramref name="id"/>; false when no build of that id runs (any more).</summary>
    public bool Cancel(string id)
    {
        if (!_running.TryGetValue(id, out var cancel))
        {
            return false;
        }

        try
        {
            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false; // it ended meanwhile
        }

        Log.CancelAsked(logger, id);
        return true;
    }

    /// <summary>The build itself; returns its last event.</summary>
    private async Task<object> BuildAsync(string id, BuildRequest request, ImageBuildOptions options, string dockerfile, Action<string> output, CancellationToken ct)
    {
        var pushed = new List<string>();
        Digest? digest = null;
        ImageReference? recorded = null;
        try
        {
            var built = await new ImageBuilder(engine, time, logger).BuildAsync(options with { Push = false }, output, ct);
            var credentials = await PushCredentialsAsync(built.Repository, ct);
            foreach (var tag in built.Tags)
            {
                var tagDigest = await engine.Images.PushAsync(built.Repository with { Tag = tag }, credentials, output, ct);
                if (digest is not null && tagDigest != digest)
                {
                    throw new DockerEngineException($"the registry stored {built.Repository.Name}:{tag} as {tagDigest}, but the earlier tags as {digest}: the same image must have one digest (is another build pushing the same tags?)");
                }

                digest = tagDigest;
                pushed.Add(tag);
            }

            var image = built.Repository.WithDigest(digest!);
            output($"built and pushed {image}");
            var view = View(built, image, dockerfile, request.Actor ?? UnknownActor);

            // Pushed is pushed: the record is made even if a cancel comes now, so the store never lacks an image a
            // registry holds under Slipway's tags.
            await RecordAsync(view, CancellationToken.None);
            recorded = image;
            await AfterPushAsync(image, request, output, ct);
            Log.Built(logger, id, image.ToString(), built.Tags.Count);
            return BuildResultEvent.Of(view);
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not ImageLintException)
        {
            // Cancelled: whatever the engine's connection threw as it was cut, the cancel is what happened.
            Log.Cancelled(logger, id, pushed.Count);
            return BuildCancelledEvent.Of(
                recorded is not null ? $"the build was cancelled after the push: {recorded} is in the registry under every tag and recorded; the steps after the push did not finish"
                : pushed.Count == 0 ? "the build was cancelled: nothing was pushed"
                : $"the build was cancelled during the push: {options.Repository.Name} got the tags {string.Join(", ", pushed)} ({digest}) before it stopped; the other tags were not pushed and nothing was recorded");
        }
        catch (ImageBuildException e)
        {
            var line = LineOf(request, e.Step);
            Log.Failed(logger, id, e.Message);
            return BuildFailedEvent.Of(line is { } at ? $"{dockerfile}:{at}: {e.Message}" : e.Message, e.Step, dockerfile, line);
        }
        catch (ImageLintException e)
        {
            Log.Failed(logger, id, e.Message);
            return BuildFailedEvent.Of(e.Message, file: dockerfile, lint: [.. e.Report.Findings.Select(f => LintFindingView.Of(f, dockerfile))]);
        }
        catch (Exception e) when (e is DockerEngineException or DockerEngineUnavailableException or IOException or UnauthorizedAccessException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            Log.Failed(logger, id, e.Message);
            // A failure after a tag reached the registry says so: the image is there, whatever else went wrong.
            var image = digest is { } d ? options.Repository.WithDigest(d).ToString() : null;
            return BuildFailedEvent.Of(image is null ? e.Message : $"{e.Message} ({image} was pushed as {string.Join(", ", pushed)})", image: image);
        }
    }

    /// <summary>
    /// The login the engine pushes <paramref name="repository"/> with (<c>slipway registry login</c>), sent in its
    /// X-Registry-Auth header for this push only; anonymous when the registry has none stored.
    /// </summary>
    private async Task<RegistryCredentials?> PushCredentialsAsync(ImageReference repository, CancellationToken ct) =>
        await logins.GetAsync(repository.Registry, ct) is { } login ? new RegistryCredentials(login.Username, login.Password, repository.Registry) : null;

    /// <summary>
    /// SEAM (SBOM and signing, issue 12 parts 4 and 5): what happens to a build's image once it is pushed and recorded,
    /// before the build answers: generate its SBOM and attach it (the SBOM service, which also records its packages),
    /// then sign <paramref name="image"/> by digest with the key a <c>--sign KEY</c> names. Each step may say what it
    /// did through <paramref name="output"/>; a failure here fails the build (the image stays pushed and recorded,
    /// and the failure says so). Nothing yet. Mind the record: the SBOM service saves the image again, and
    /// <see cref="IStore.SaveImageAsync"/> replaces an image's details on conflict, so its details and the build's
    /// (<see cref="BuiltImageDetails"/>) must be merged, not one written over the other.
    /// </summary>
    private static Task AfterPushAsync(ImageReference image, BuildRequest request, Action<string> output, CancellationToken ct)
    {
        _ = (image, request, output, ct);
        return Task.CompletedTask;
    }

    private async Task RecordAsync(BuiltImageView view, CancellationToken ct)
    {
        var details = new BuiltImageDetails(view.Git?.Commit, view.Git?.Branch, view.Git?.Version, view.Git?.Dirty, view.Git?.Source, view.Labels, view.Lint, view.ImageId, view.Size, view.Dockerfile);
        await store.SaveImageAsync(
            new ImageRecord(view.Repository, view.Digest, view.Tags, Origin, view.RecordedAt, view.RecordedBy, JsonSerializer.Serialize(details, SlipwayJson.Options)),
            packages: null,
            ct);
    }

    private BuiltImageView View(BuiltImage built, ImageReference image, string dockerfile, string actor) => new(
        image.ToString(),
        built.Repository.Name,
        image.Digest!.ToString(),
        built.Tags,
        built.Labels,
        [.. built.Lint.Findings.Select(f => LintFindingView.Of(f, dockerfile))],
        built.Git is { } git ? GitView.Of(git) : null,
        built.ImageId,
        built.Size,
        dockerfile,
        time.GetUtcNow(),
        actor);

    /// <summary>The Dockerfile as the user knows it: relative to the context (<c>build/app.Dockerfile</c>), or in full when outside it.</summary>
    private static string Shown(BuildRequest request)
    {
        var path = request.DockerfilePath();
        var fromContext = Path.GetRelativePath(Path.GetFullPath(request.Context!), path);
        return fromContext.StartsWith("..", StringComparison.Ordinal) ? path : fromContext;
    }

    private static int? LineOf(BuildRequest request, string? step)
    {
        try
        {
            return FailedStep.LineOf(Dockerfile.Parse(File.ReadAllText(request.DockerfilePath())), step);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the failure is told without its line
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Build {Id} of {Context} for {Repository} started")]
        public static partial void Started(ILogger logger, string id, string context, string repository);

        [LoggerMessage(Level = LogLevel.Information, Message = "Build {Id} pushed {Image} ({TagCount} tags)")]
        public static partial void Built(ILogger logger, string id, string image, int tagCount);

        [LoggerMessage(Level = LogLevel.Information, Message = "Build {Id} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string id, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Build {Id} cancelled ({PushedTags} tags pushed before)")]
        public static partial void Cancelled(ILogger logger, string id, int pushedTags);

        [LoggerMessage(Level = LogLevel.Error, Message = "Build {Id} failed unexpectedly")]
        public static partial void Defect(ILogger logger, string id, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Build {Id}: cancel asked")]
        public static partial void CancelAsked(ILogger logger, string id);
    }
}
