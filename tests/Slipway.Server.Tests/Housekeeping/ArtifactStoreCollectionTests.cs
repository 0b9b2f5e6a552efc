using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Housekeeping;

/// <summary>
/// The artifact store deletes a copy only when no apply relies on it: not while an apply holds it, and not when an
/// apply used it at any moment since the collection began (its read of the store may predate the apply's save).
/// Temporary directories a crash left are removed; one being written is not.
/// </summary>
public sealed class ArtifactStoreCollectionTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly ArtifactStore _store;

    public ArtifactStoreCollectionTests() => _store = new ArtifactStore(new ServerOptions(_temp.Combine("data")));

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_copy_no_apply_uses_is_deleted_and_listed_no_more()
    {
        var digest = await ImportAsync("v1");
        var other = await ImportAsync("v2");

        using (_store.BeginCollection())
        {
            Assert.True(_store.TryDelete(digest));
        }

        Assert.False(Directory.Exists(_store.PathFor(digest)));
        Assert.Equal([other], _store.List());
        Assert.Equal([_store.PathFor(other)], Directory.GetFileSystemEntries(_temp.Combine("data", "artifacts")));
    }

    [Fact]
    public async Task A_copy_an_apply_holds_is_kept()
    {
        var digest = await ImportAsync("v1");

        using (_store.Use(digest))
        using (_store.BeginCollection())
        {
            Assert.False(_store.TryDelete(digest));
        }

        Assert.True(Directory.Exists(_store.PathFor(digest)));
    }

    [Fact]
    public async Task A_copy_used_after_the_collection_began_is_kept_though_the_use_has_ended()
    {
        var digest = await ImportAsync("v1");

        using (_store.BeginCollection())
        {
            // The collection reads the store (no revision names the digest yet); an apply then reuses the copy, saves
            // its revision and is done, all before the collection gets to the copy.
            using (var uses = new ArtifactUses())
            {
                await _store.ImportAsync(Scan("v1"), digest, uses, Ct);
            }

            Assert.False(_store.TryDelete(digest));
        }

        using (_store.BeginCollection())
        {
            Assert.True(_store.TryDelete(digest)); // the next collection reads a store that names it, or not
        }
    }

    [Fact]
    public async Task An_apply_after_a_deletion_copies_its_artifact_anew()
    {
        var digest = await ImportAsync("v1");
        using (_store.BeginCollection())
        {
            _store.TryDelete(digest);
        }

        var again = await ImportAsync("v1");

        Assert.Equal(digest, again);
        Assert.Equal("v1", await File.ReadAllTextAsync(Path.Combine(_store.PathFor(digest), "app.dll")));
    }

    [Fact]
    public void Copies_are_deleted_only_during_a_collection_and_one_collection_runs_at_a_time()
    {
        Assert.Throws<InvalidOperationException>(() => _store.TryDelete("sha256:" + new string('a', 64)));
        using (_store.BeginCollection())
        {
            Assert.Throws<InvalidOperationException>(() => _store.BeginCollection());
        }

        using (_store.BeginCollection())
        {
            Assert.False(_store.TryDelete("sha256:" + new string('a', 64))); // none: nothing to delete
        }
    }

    [Fact]
    public async Task Uses_added_after_the_apply_ended_are_released_at_once()
    {
        var digest = await ImportAsync("v1");
        var uses = new ArtifactUses();
        uses.Dispose();

        // An artifact pass that ran on past its deadline, after its apply was refused.
        await _store.ImportAsync(Scan("v1"), digest, uses, Ct);

        using (_store.BeginCollection())
        {
            Assert.True(_store.TryDelete(digest));
        }
    }

    [Fact]
    public async Task Leftovers_of_a_crash_are_removed_but_not_recent_ones_nor_complete_copies()
    {
        var digest = await ImportAsync("v1");
        var old = Leftover(digest, TimeSpan.FromHours(2));
        var recent = Leftover(digest, TimeSpan.FromMinutes(5));

        var removed = _store.RemoveLeftovers(DateTimeOffset.UtcNow - TimeSpan.FromHours(1));

        Assert.Equal([old], removed);
        Assert.False(Directory.Exists(old));
        Assert.True(Directory.Exists(recent));
        Assert.Equal([digest], _store.List());

        // At start, every leftover goes, whatever its age.
        Assert.Equal([recent], _store.RemoveLeftovers(DateTimeOffset.MaxValue));
        Assert.Equal([_store.PathFor(digest)], Directory.GetFileSystemEntries(_temp.Combine("data", "artifacts")));
    }

    [Fact]
    public async Task A_copy_being_written_is_not_a_leftover()
    {
        // A large artifact, so that its copy is still being written while leftovers are removed. A copy may still end
        // before the loop below sees it (a fast disk, a quiet machine): then another, different artifact is copied,
        // until one was seen being written.
        var source = _temp.Combine("big");
        Directory.CreateDirectory(source);
        for (var n = 0; n < 100; n++)
        {
            await File.WriteAllBytesAsync(Path.Combine(source, $"f{n}.bin"), new byte[256 * 1024]);
        }

        var artifacts = _temp.Combine("data", "artifacts");
        var removed = new List<string>();
        var digests = new List<string>();
        var seenBeingWritten = false;
        for (var attempt = 0; attempt < 10 && !seenBeingWritten; attempt++)
        {
            await File.WriteAllTextAsync(Path.Combine(source, "attempt"), attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var (scan, problems) = ArtifactScanner.Scan(source, null, Ct);
            Assert.Empty(problems);
            var digest = await ArtifactDigest.ComputeAsync(scan, Ct);
            digests.Add(digest);
            using var uses = new ArtifactUses();
            var import = Task.Run(() => _store.ImportAsync(scan, digest, uses, Ct));
            while (!import.IsCompleted)
            {
                seenBeingWritten |= Directory.Exists(artifacts) && Directory.GetDirectories(artifacts, "*.partial-*").Length > 0;
                removed.AddRange(_store.RemoveLeftovers(DateTimeOffset.MaxValue));
                await Task.Delay(1);
            }

            await import;
        }

        Assert.True(seenBeingWritten, "no copy was seen being written while leftovers were removed, in 10 copies");
        Assert.Empty(removed);
        Assert.Equal(digests.Order(StringComparer.Ordinal), _store.List().Order(StringComparer.Ordinal));
    }

    private string Leftover(string digest, TimeSpan age)
    {
        var path = $"{_store.PathFor(digest)}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "app.dll"), "half");
        Directory.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private ArtifactScan Scan(string code)
    {
        var source = _temp.Combine("build", code);
        _temp.WriteFile(Path.Combine("build", code, "app.dll"), code);
        var (scan, problems) = ArtifactScanner.Scan(source, null, Ct);
        Assert.Empty(problems);
        return scan;
    }

    private async Task<string> ImportAsync(string code)
    {
        var scan = Scan(code);
        var digest = await ArtifactDigest.ComputeAsync(scan, Ct);
        using var uses = new ArtifactUses();
        await _store.ImportAsync(scan, digest, uses, Ct);
        return digest;
    }
}
