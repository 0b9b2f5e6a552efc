using System.Text.Json;
using Slipway.Cli.Tests.Support;

namespace Slipway.Cli.Tests.Commands;

/// <summary>
/// <c>slipway image exception add|list|delete</c> and <c>slipway images</c>: the real CLI, run as a process, against a
/// real server over HTTP.
/// </summary>
public sealed class ImageExceptionCommandTests : IAsyncLifetime
{
    private CliServer _server = null!;

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _server = await CliServer.StartAsync();
                return;
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // CliServer probes its ports free, then binds them: a parallel test can take one in between. Other ports.
            }
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_exception_is_recorded_with_who_listed_with_its_expiry_and_deleted()
    {
        var (code, stdout, stderr) = await Cli("image", "exception", "add", "CVE-2026-9001", "--reason", "TLS terminates at the router", "--expires", "30d", "--package", "openssl", "-e", "prod");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"^exception 1 recorded: CVE-2026-9001 for openssl is let through in prod until \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, by " + System.Text.RegularExpressions.Regex.Escape(Actor) + "\n$", stdout);

        var (_, listed, _) = await Cli("image", "exception", "list");
        var lines = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ID", "ADVISORY", "PACKAGE", "ENV", "EXPIRES", "REASON", "BY"], lines[0].Split("   ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("1    CVE-2026-9001   openssl   prod", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("TLS terminates at the router   " + Actor, lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("(expired)", lines[1], StringComparison.Ordinal);

        var (_, json, _) = await Cli("image", "exception", "list", "-o", "json");
        var exception = JsonDocument.Parse(json).RootElement[0];
        Assert.Equal(("CVE-2026-9001", "openssl", "prod", Actor, false), (exception.GetProperty("advisory").GetString(), exception.GetProperty("package").GetString(),
            exception.GetProperty("environment").GetString(), exception.GetProperty("createdBy").GetString(), exception.GetProperty("expired").GetBoolean()));

        var (deleted, message, _) = await Cli("image", "exception", "delete", "1");
        var (missing, _, error) = await Cli("image", "exception", "delete", "1");
        var (_, empty, emptyMessage) = await Cli("image", "exception", "list");

        Assert.Equal(0, deleted);
        Assert.StartsWith("exception 1 deleted", message, StringComparison.Ordinal);
        Assert.Equal(1, missing);
        Assert.Equal("error: there is no exception 1 (slipway image exception list shows them)\n", error);
        Assert.Equal(("", "No vulnerability exceptions recorded.\n"), (empty, emptyMessage));
    }

    [Fact]
    public async Task An_exception_needs_a_reason_and_an_expiry_the_cli_says_so_before_asking_the_server()
    {
        var (code, _, stderr) = await Cli("image", "exception", "add", "CVE-2026-9001");
        var (past, _, pastError) = await Cli("image", "exception", "add", "CVE-2026-9001", "--reason", "why", "--expires", "2001-01-01");

        Assert.Equal(2, code);
        Assert.Contains("--reason", stderr, StringComparison.Ordinal);
        Assert.Contains("--expires", stderr, StringComparison.Ordinal);
        Assert.Equal(1, past);
        Assert.StartsWith("error: expires 2001-01-01 is already past", pastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Images_says_when_none_are_recorded_and_uses_when_no_revision_carries_the_package()
    {
        var (code, stdout, stderr) = await Cli("images");
        var (usesCode, usesOut, usesErr) = await Cli("images", "--uses", "openssl@3.0.11");

        Assert.Equal((0, ""), (code, stdout));
        Assert.StartsWith("No images recorded yet", stderr, StringComparison.Ordinal);
        Assert.Equal((0, ""), (usesCode, usesOut));
        Assert.StartsWith("No revision carries openssl@3.0.11", usesErr, StringComparison.Ordinal);
    }

    /// <summary>Who the CLI says runs it when $SLIPWAY_ACTOR is not set: user@host.</summary>
    private static string Actor => Environment.GetEnvironmentVariable("SLIPWAY_ACTOR") is { Length: > 0 } actor ? actor.Trim() : $"{Environment.UserName}@{Environment.MachineName}";

    private Task<(int ExitCode, string Stdout, string Stderr)> Cli(params string[] args) => _server.CliAsync(args);
}
