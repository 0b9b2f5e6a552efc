using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Images;

namespace Slipway.Cli.Tests.Output;

public sealed class RegistriesOutputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Text_lists_registry_username_and_age_wide_adds_when_and_who()
    {
        RegistryLogin[] logins = [new("registry.example.com", "deploy", Now.AddDays(-2), "ci"), new("127.0.0.1:5000", "ana", Now.AddMinutes(-5), "ana@laptop")];

        var text = Printer.Render(OutputFormat.Text, RegistriesOutput.Create(new JsonArray(), logins, Now));
        var wide = Printer.Render(OutputFormat.Wide, RegistriesOutput.Create(new JsonArray(), logins, Now)).Split('\n');

        Assert.Equal(
            """
            REGISTRY               USERNAME   AGE
            127.0.0.1:5000         ana        5m
            registry.example.com   deploy     2d

            """.ReplaceLineEndings("\n"),
            text);
        Assert.Equal(["REGISTRY", "USERNAME", "AGE", "UPDATED", "BY"], wide[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("ana@laptop", wide[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_the_empty_message()
    {
        Assert.Equal("registry/127.0.0.1:5000\n", Printer.Render(OutputFormat.Name, RegistriesOutput.Create(new JsonArray(), [new("127.0.0.1:5000", "ana", Now, "ana")], Now)));
        Assert.StartsWith("No registry logins: the server asks every registry anonymously", RegistriesOutput.Create(new JsonArray(), [], Now).EmptyMessage, StringComparison.Ordinal);
    }
}
