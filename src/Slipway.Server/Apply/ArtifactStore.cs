namespace Slipway.Server.Apply;

/// <summary>
/// Immutable copies of directory artifacts, one per content digest, under <c>&lt;data&gt;/artifacts/sha256-&lt;hex&gt;</c>.
/// Instances run from the copy, so a revision runs the code it was created with whatever later happens to the
/// source directory — a rebuild into the same <c>out/</c>, say — and <c>rollout undo</c> brings the old code back.
/// </summary>
internal sealed class ArtifactStore(ServerOptions options)
{
    public string PathFor(string digest) => Path.Combine(options.ArtifactsDirectory, digest.Replace(':', '-'));

    /// <summary>
    /// Makes sure the store holds <paramref name="source"/>'s content under <paramref name="digest"/> (computed from
    /// the source just before). The copy is checked against the digest and renamed into place, so the store never
    /// holds a partial or mismatched copy.
    /// </summary>
    /// <exception cref="ArtifactChangedException">The source changed between computing its digest and copying it.</exception>
    public async Task ImportAsync(string source, string digest, CancellationToken ct)
    {
        var target = PathFor(digest);
        if (Directory.Exists(target))
        {
            return;
        }

        Directory.CreateDirectory(options.ArtifactsDirectory);
        var temporary = $"{target}.partial-{Guid.NewGuid():N}";
        try
        {
            Copy(source, temporary);
            if (await ArtifactDigest.ComputeAsync(temporary, ct) != digest)
            {
                throw new ArtifactChangedException("its content changed while it was being copied; apply again");
            }

            try
            {
                Directory.Move(temporary, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Imported meanwhile under the same digest: the same content.
            }
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private static void Copy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        // File.Copy keeps the file mode on Unix, so executables stay executable.
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }
}

/// <summary>An artifact directory changed while it was being applied.</summary>
internal sealed class ArtifactChangedException(string message) : Exception(message);
