using System.Text.Json.Nodes;
using Slipway.Cli.Output;
using Slipway.Server.Api;

namespace Slipway.Cli.Tests.Output;

public sealed class VerificationOutputTests
{
    private const string Image = "127.0.0.1:5000/web:v1@sha256:9b1e5c0000000000000000000000000000000000000000000000000000000000";

    [Fact]
    public void A_verified_image_names_the_key_and_the_repository_it_was_signed_as()
    {
        var answer = new ImageVerifyAnswer(Image, "sha256:9b1e…", true, "release-key", "3f2a9c41d07be0f4c6e1a9b2d5f8c0e7a4b1d6f3c8e2a5b9d0f7c4e1a8b3d6f2", "127.0.0.1:5000/web", null, "…");

        Assert.Equal($"{Image} verified: signed by release-key (3f2a9c41d07b) as 127.0.0.1:5000/web\n", Printer.Render(OutputFormat.Text, new VerificationOutput(new JsonObject(), answer)));
        Assert.Equal($"image/{Image}\n", Printer.Render(OutputFormat.Name, new VerificationOutput(new JsonObject(), answer)));
    }

    [Fact]
    public void A_refused_image_says_why_as_the_server_words_it()
    {
        var answer = new ImageVerifyAnswer(Image, "sha256:9b1e…", false, null, null, null, "Unsigned", "unsigned: no signature for sha256:9b1e… in 127.0.0.1:5000/web");

        Assert.Equal($"{Image} refused: unsigned: no signature for sha256:9b1e… in 127.0.0.1:5000/web\n", Printer.Render(OutputFormat.Text, new VerificationOutput(new JsonObject(), answer)));
        Assert.Contains("\"refusal\": \"Unsigned\"", Printer.Render(OutputFormat.Json, new VerificationOutput(new JsonObject { ["refusal"] = "Unsigned" }, answer)), StringComparison.Ordinal);
    }
}
