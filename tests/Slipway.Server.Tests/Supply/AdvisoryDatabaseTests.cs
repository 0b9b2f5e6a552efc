using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Server.Supply;
using Slipway.Server.Tests.Supply.Support;
using Slipway.Server.Tests.Support;

namespace Slipway.Server.Tests.Supply;

/// <summary>
/// The server's advisory database on real files: read at start (a broken one stops the start), read again when a file
/// in it changes, refused — never emptied — while a change leaves it broken, and read again once it is fixed.
/// </summary>
public sealed class AdvisoryDatabaseTests
{
    [Fact]
    public async Task A_change_is_read_at_the_next_use_a_broken_change_refuses_and_a_fix_is_read_again()
    {
        using var files = new TemporaryDirectory();
        var path = Advisories.Write(files);
        var database = new AdvisoryDatabase(new ServerOptions(files.Path) { AdvisoriesPath = path }, TimeProvider.System, NullLogger<AdvisoryDatabase>.Instance);
        await database.StartAsync(CancellationToken.None);
        Assert.Equal(2, (await database.GetAsync(CancellationToken.None)).Database.Advisories.Count);

        var added = files.WriteFile("osv/npm/GHSA-aaaa-bbbb-0001.json", """
            {"id": "GHSA-aaaa-bbbb-0001", "modified": "2026-10-01T00:00:00Z",
             "affected": [{"package": {"ecosystem": "npm", "name": "lodash"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]}
            """);
        File.SetLastWriteTimeUtc(added, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal(3, (await database.GetAsync(CancellationToken.None)).Database.Advisories.Count);

        File.WriteAllText(added, "{\"id\": ");
        File.SetLastWriteTimeUtc(added, DateTime.UtcNow.AddMinutes(2));
        var broken = await Assert.ThrowsAsync<SupplyException>(() => database.GetAsync(CancellationToken.None));

        Assert.Equal(503, broken.Status);
        Assert.Contains("no longer reads", broken.Message, StringComparison.Ordinal);
        Assert.Contains("GHSA-aaaa-bbbb-0001.json", broken.Message, StringComparison.Ordinal);

        File.Delete(added);
        Directory.SetLastWriteTimeUtc(files.Combine("osv", "npm"), DateTime.UtcNow.AddMinutes(3));
        Assert.Equal(2, (await database.GetAsync(CancellationToken.None)).Database.Advisories.Count);
    }

    [Fact]
    public async Task A_database_that_does_not_read_at_start_stops_the_start_naming_the_file()
    {
        using var files = new TemporaryDirectory();
        files.WriteFile("osv/broken.json", "[]");
        var database = new AdvisoryDatabase(new ServerOptions(files.Path) { AdvisoriesPath = files.Combine("osv") }, TimeProvider.System, NullLogger<AdvisoryDatabase>.Instance);
        var missing = new AdvisoryDatabase(new ServerOptions(files.Path) { AdvisoriesPath = files.Combine("nowhere") }, TimeProvider.System, NullLogger<AdvisoryDatabase>.Instance);

        var error = await Assert.ThrowsAsync<AdvisoryDatabaseException>(() => database.StartAsync(CancellationToken.None));
        var absent = await Assert.ThrowsAsync<AdvisoryDatabaseException>(() => missing.StartAsync(CancellationToken.None));

        Assert.StartsWith($"--advisories {files.Combine("osv")}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such folder or file", absent.Message, StringComparison.Ordinal);
    }
}
