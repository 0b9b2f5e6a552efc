using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>
/// <c>slipway apply -f web.yaml -e prod</c>: the environment asked for is honoured or refused, never ignored.
/// A document without <c>metadata.environment</c> deploys to it; one that names another is an error at that line.
/// </summary>
public sealed class SpecEnvironmentTests
{
    private static string App(string name, string? environment) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}{(environment is null ? "" : $"\n  environment: {environment}")}
        spec:
          artifact: {"{path: out}"}
          command: dotnet
        """;

    [Fact]
    public void A_document_without_an_environment_deploys_to_the_requested_one_with_its_default_route()
    {
        var manifest = Assert.Single(SpecParser.Parse(App("api", null), FileName, BaseDirectory, environment: "prod").Manifests);

        Assert.Equal("prod", manifest.Metadata.Environment);
        Assert.Equal("api.prod.localhost", manifest.Spec.Route.Host);
    }

    [Fact]
    public void Without_a_requested_environment_a_document_without_one_deploys_to_dev()
    {
        Assert.Equal("dev", ParseOne(App("api", null)).Metadata.Environment);
    }

    [Fact]
    public void A_document_that_names_the_requested_environment_is_accepted()
    {
        var manifest = Assert.Single(SpecParser.Parse(App("api", "prod"), FileName, BaseDirectory, environment: "prod").Manifests);

        Assert.Equal("prod", manifest.Metadata.Environment);
    }

    [Fact]
    public void A_document_that_names_another_environment_is_refused_at_its_line()
    {
        var result = SpecParser.Parse(App("api", "dev"), FileName, BaseDirectory, environment: "prod");

        Assert.Empty(result.Manifests);
        AssertError(Assert.Single(result.Errors), 5, 16, "metadata.environment", "is 'dev', but environment 'prod' was requested (-e)");
    }

    [Fact]
    public void Every_disagreeing_document_is_reported_at_once_and_none_is_accepted()
    {
        var yaml = App("web", "staging") + "\n---\n" + App("api", null) + "\n---\n" + App("db", "dev");

        var result = SpecParser.Parse(yaml, FileName, BaseDirectory, environment: "prod");

        Assert.Empty(result.Manifests);
        Assert.Collection(
            result.Errors,
            e => AssertError(e, 5, 16, "metadata.environment", "is 'staging', but environment 'prod' was requested"),
            e => AssertError(e, 22, 16, "metadata.environment", "is 'dev', but environment 'prod' was requested"));
    }

    [Fact]
    public void An_invalid_requested_environment_is_reported_on_the_documents_that_would_use_it()
    {
        var result = SpecParser.Parse(App("api", null), FileName, BaseDirectory, environment: "Prod");

        AssertError(Assert.Single(result.Errors), 3, 1, "metadata.environment", "the requested environment 'Prod' (-e) is not valid: must be a DNS label");
    }
}
