using Slipway.Server.Apply;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Apply;

/// <summary>
/// What may be in an artifact: files, directories and symlinks that stay inside it. Everything else is named in a
/// problem, found without opening a file or following a link — a named pipe would block the reader for ever.
/// </summary>
public sealed class ArtifactScannerTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public ArtifactScannerTests()
    {
        _temp.WriteFile("out/app.dll", "code");
        _temp.WriteFile("out/lib/native.so", "native");
        Directory.CreateDirectory(_temp.Combine("out", "empty"));
    }

    private string Root => _temp.Combine("out");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Files_directories_and_symlinks_inside_are_listed_in_path_order_with_their_total_size()
    {
        File.CreateSymbolicLink(_temp.Combine("out", "current"), "lib");
        File.CreateSymbolicLink(_temp.Combine("out", "lib", "native.so.1"), "native.so");
        File.CreateSymbolicLink(_temp.Combine("out", "lib", "app"), "../app.dll");

        var (scan, problems) = ArtifactScanner.Scan(Root, maxBytes: null, CancellationToken.None);

        Assert.Empty(problems);
        Assert.Equal(
            ["app.dll", "current", "empty", "lib", "lib/app", "lib/native.so", "lib/native.so.1"],
            scan.Entries.Select(e => e.Path));
        Assert.Equal("lib", scan.Entries.Single(e => e.Path == "current").LinkTarget);
        Assert.Equal(10, scan.TotalBytes);
    }

    [Fact]
    public void A_named_pipe_is_named_in_a_problem()
    {
        var fifo = SpecialFiles.Fifo(_temp.Combine("out", "lib", "control.pipe"));

        var problem = Assert.Single(Problems());

        Assert.Equal($"{fifo} is a named pipe (FIFO): an artifact may hold only files, directories and symlinks that stay inside it", problem);
    }

    [Fact]
    public void A_socket_is_named_in_a_problem()
    {
        var path = _temp.Combine("out", "app.sock");
        using var socket = SpecialFiles.Socket(path);

        Assert.StartsWith($"{path} is a socket:", Assert.Single(Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_to_an_absolute_path_is_refused()
    {
        File.CreateSymbolicLink(_temp.Combine("out", "passwd"), "/etc/passwd");

        Assert.Equal($"{_temp.Combine("out", "passwd")} is a symlink to the absolute path '/etc/passwd', outside the artifact directory", Assert.Single(Problems()));
    }

    [Fact]
    public void A_symlink_climbing_out_with_dot_dot_is_refused()
    {
        _temp.WriteFile("secret.txt", "secret");
        File.CreateSymbolicLink(_temp.Combine("out", "lib", "leak"), "../../secret.txt");

        Assert.Contains("is a symlink to '../../secret.txt', which leads outside the artifact directory", Assert.Single(Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_that_leaves_only_through_another_symlink_is_refused()
    {
        // "here/.." reads as the artifact itself, but "here" is the artifact, so "here/.." is its parent.
        File.CreateSymbolicLink(_temp.Combine("out", "here"), ".");
        File.CreateSymbolicLink(_temp.Combine("out", "up"), "here/..");

        Assert.Contains("is a symlink to 'here/..', which leads outside the artifact directory", Assert.Single(Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_loop_is_refused()
    {
        File.CreateSymbolicLink(_temp.Combine("out", "a"), "b");
        File.CreateSymbolicLink(_temp.Combine("out", "b"), "lib/../a");

        var problems = Problems();

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("is a symlink loop", p, StringComparison.Ordinal));
    }

    [Fact]
    public void A_symlink_to_nothing_is_refused()
    {
        File.CreateSymbolicLink(_temp.Combine("out", "config.json"), "config.Production.json");

        Assert.Contains("is a symlink to 'config.Production.json', which does not exist", Assert.Single(Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        SpecialFiles.Fifo(_temp.Combine("out", "one.pipe"));
        SpecialFiles.Fifo(_temp.Combine("out", "lib", "two.pipe"));
        File.CreateSymbolicLink(_temp.Combine("out", "passwd"), "/etc/passwd");

        Assert.Equal(3, Problems().Count);
    }

    [Fact]
    public void Problems_beyond_the_cap_are_summarised_in_one_line()
    {
        for (var i = 0; i < ArtifactScanner.MaxProblems + 5; i++)
        {
            SpecialFiles.Fifo(_temp.Combine("out", "pipes", $"p{i:00}"));
        }

        var problems = Problems();

        Assert.Equal(ArtifactScanner.MaxProblems + 1, problems.Count);
        Assert.Equal($"{Root} holds more problems than these {ArtifactScanner.MaxProblems}; fix them and check again", problems[^1]);
    }

    [Fact]
    public void More_bytes_than_the_limit_is_a_problem_naming_the_limit()
    {
        _temp.WriteFile("out/big.bin", new string('x', 5000));

        var (_, problems) = ArtifactScanner.Scan(Root, maxBytes: 4096, CancellationToken.None);

        Assert.Equal($"{Root} holds more than 4 KiB of files, the limit for an artifact (slipway server --max-artifact-size)", Assert.Single(problems));
    }

    [Fact]
    public void Exactly_the_limit_is_accepted()
    {
        var (_, problems) = ArtifactScanner.Scan(Root, maxBytes: 10, CancellationToken.None);

        Assert.Empty(problems);
    }

    private IReadOnlyList<string> Problems() => ArtifactScanner.Scan(Root, maxBytes: null, CancellationToken.None).Problems;
}
