using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Docker.Images;
using Slipway.Docker.Lint;
using Slipway.Oci;

namespace Slipway.Docker.Build;

/// <summary>
/// <c>slipway build</c> from the Dockerfile to a pushed digest: read the context's git revision, name the image from it
/// (tags and OCI labels), build through the engine with the output shown live, lint the result, push every tag and
/// return the registry's digest. A lint failure stops before the push: nothing that fails policy reaches a registry.
/// </summary>
public sealed partial class ImageBuilder(DockerEngine engine, TimeProvider time, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <param name="onOutput">Each line of the build's and push's output, as it comes (the CLI prints them).</param>
    public async Task<BuiltImage> BuildAsync(ImageBuildOptions options, Action<string>? onOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Repository.Tag is not null || options.Repository.Digest is not null)
        {
            throw new ArgumentException($"'{options.Repository}' names a tag or digest: give the repository alone (the build names the tags)", nameof(options));
        }

        foreach (var tag in options.Tags ?? [])
        {
            if (!ImageTags.IsValid(tag))
            {
                throw new ArgumentException($"'{tag}' is not a valid tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'", nameof(options));
            }
        }

        var request = new ImageBuildRequest(options.ContextDirectory, options.Dockerfile);
        var dockerfilePath = request.DockerfilePath;
        if (!File.Exists(dockerfilePath))
        {
            throw new FileNotFoundException($"the Dockerfile {dockerfilePath} does not exist: expected one at the context's root or given with -f", dockerfilePath);
        }

        var dockerfile = Dockerfile.Parse(await File.ReadAllTextAsync(dockerfilePath, ct).ConfigureAwait(false));
        var git = await GitRevision.ReadAsync(Path.GetFullPath(options.ContextDirectory), ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var tags = ImageTags.For(git, options.Tags, now);
        var labels = ImageTags.Labels(git, tags, now, options.Labels);
        var references = tags.Select(tag => options.Repository with { Tag = tag }).ToList();

        var imageId = await engine.Images.BuildAsync(
            request with
            {
                Tags = references.Select(r => r.ToString()).ToList(),
                Labels = labels,
                BuildArgs = options.BuildArgs,
                Target = options.Target,
                NoCache = options.NoCache,
            },
            onOutput,
            ct).ConfigureAwait(false);

        var image = await engine.Images.InspectAsync(imageId, ct).ConfigureAwait(false)
            ?? throw new ImageBuildException(null, $"the engine built {imageId} but does not know it");
        // As the user knows it: relative to the context (Dockerfile, build/app.Dockerfile), or in full when outside.
        var fromContext = Path.GetRelativePath(Path.GetFullPath(options.ContextDirectory), dockerfilePath);
        var shownPath = fromContext.StartsWith("..", StringComparison.Ordinal) ? dockerfilePath : fromContext;
        var report = ImageLint.Check(dockerfile, image, options.BuildArgs, options.Lint ?? ImageLintOptions.Default, options.Target);
        foreach (var line in report.Format(shownPath))
        {
            onOutput?.Invoke(line);
        }

        if (report.Failed)
        {
            throw new ImageLintException(report, shownPath, imageId);
        }

        ImageReference? pushed = null;
        if (options.Push)
        {
            Digest? digest = null;
            foreach (var reference in references)
            {
                var tagDigest = await engine.Images.PushAsync(reference, options.Credentials, onOutput, ct).ConfigureAwait(false);
                if (digest is not null && tagDigest != digest)
                {
                    throw new InvalidOperationException($"the registry stored {reference} as {tagDigest}, but the earlier tags as {digest}: the same image must have one digest");
                }

                digest = tagDigest;
            }

            pushed = options.Repository.WithDigest(digest!);
            Log.Built(_logger, pushed.ToString(), tags.Count);
            onOutput?.Invoke($"built and pushed {pushed}");
        }

        return new BuiltImage(imageId, options.Repository, tags, labels, git, report, image.Size, pushed);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Built and pushed {Reference} ({TagCount} tags)")]
        public static partial void Built(ILogger logger, string reference, int tagCount);
    }
}
