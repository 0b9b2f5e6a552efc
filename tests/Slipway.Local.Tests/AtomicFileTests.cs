using Slipway.Local.Files;

namespace Slipway.Local.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("slipway-atomic-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_reader_racing_the_writer_sees_the_old_content_or_the_new_never_an_empty_or_torn_file()
    {
        // What failed in CI: a test read router.pid while the server rewrote it and got "".
        var path = Path.Combine(directory, "router.pid");
        AtomicFile.WriteText(path, "1000000");
        using var done = new CancellationTokenSource();
        var seen = new HashSet<string>();
        var reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                seen.Add(File.ReadAllText(path));
            }
        });

        for (var i = 0; i < 2000; i++)
        {
            AtomicFile.WriteText(path, i % 2 == 0 ? "2000000" : "1000000");
        }

        await done.CancelAsync();
        await reader;
        Assert.Subset(new HashSet<string> { "1000000", "2000000" }, seen);
        Assert.Equal(["router.pid"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }
}
