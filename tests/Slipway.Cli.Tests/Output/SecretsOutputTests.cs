using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class SecretsOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 22, 10, 5, TimeSpan.Zero);

    private static readonly SecretView Db = new("prod", "db", 4, [new("password", 4), new("url", 1)], Now.AddMinutes(-12), "ana@laptop");

    private static readonly SecretView Smtp = new("dev", "smtp", 1, [new("token", 1)], Now.AddDays(-2), "ci");

    [Fact]
    public void Text_lists_names_keys_with_their_versions_the_version_and_age()
    {
        var text = Printer.Render(OutputFormat.Text, SecretsOutput.Create(new JsonArray(), [Db], "prod", Now));

        Assert.Equal(
            """
            NAME   KEYS               VERSION   AGE
            db     password@4,url@1   4         12m

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Wide_and_all_environments_add_env_updated_and_by()
    {
        var lines = Printer.Render(OutputFormat.Wide, SecretsOutput.Create(new JsonArray(), [Db, Smtp], null, Now)).Split('\n');

        Assert.Equal(["ENV", "NAME", "KEYS", "VERSION", "AGE", "UPDATED", "BY"], Cells(lines[0]));
        Assert.Equal(["dev", "smtp", "token@1", "1", "2d", "2026-11-21", "22:10:05Z", "ci"], Cells(lines[1]));
        Assert.Equal(["prod", "db", "password@4,url@1", "4", "12m", "2026-11-23", "21:58:05Z", "ana@laptop"], Cells(lines[2]));
    }

    [Fact]
    public void Names_and_the_empty_message()
    {
        Assert.Equal("secret/db\n", Printer.Render(OutputFormat.Name, SecretsOutput.Create(new JsonArray(), [Db], "prod", Now)));
        Assert.Equal("No secrets found in dev.", SecretsOutput.Create(new JsonArray(), [], "dev", Now).EmptyMessage);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
