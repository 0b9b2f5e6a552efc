using Slipway.Core.Spec;
using static Slipway.Core.Tests.Spec.SpecParserErrorTests;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>Files with several documents: each is validated, and routes and app×env pairs must not collide across them.</summary>
public sealed class SpecParserMultiDocumentTests
{
    private static string App(string name, string environment, string extra = "") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}
          environment: {environment}
        spec:
          artifact: {"{path: out}"}
          command: dotnet{extra}
        """;

    [Fact]
    public void Every_document_becomes_a_manifest_in_file_order()
    {
        var result = Parse(string.Join("\n---\n", App("web", "staging"), App("web", "prod"), App("api", "prod")) + "\n---\n");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(
            ["web/staging", "web/prod", "api/prod"],
            result.Manifests.Select(m => $"{m.Metadata.Name}/{m.Metadata.Environment}"));
        Assert.Equal(
            ["web.staging.localhost", "web.prod.localhost", "api.prod.localhost"],
            result.Manifests.Select(m => m.Spec.Route.Host));
    }

    [Fact]
    public void Errors_of_every_document_are_reported_and_no_manifest_is_returned()
    {
        var result = Parse(App("web", "staging", "\n  replicas: -1") + "\n---\n" + App("web", "prod") + "\n---\n" + App("api", "prod", "\n  port: http"));

        Assert.Empty(result.Manifests);
        Assert.Collection(
            result.Errors,
            e => AssertError(e, 9, 13, "spec.replicas", "must be at least 0, got -1"),
            e => AssertError(e, 28, 9, "spec.port", "expected an integer, got string 'http'"));
    }

    [Fact]
    public void Same_app_and_environment_twice_is_an_error()
    {
        var error = SingleError(App("web", "prod") + "\n---\n" + App("web", "prod"));

        AssertError(error, 13, 9, "metadata.name", "duplicate application web/prod: also defined at line 4");
    }

    [Fact]
    public void Two_routes_with_the_same_host_and_prefix_are_reported_with_the_first_owner()
    {
        var error = SingleError(App("web", "prod") + "\n---\n" + App("shop", "prod", "\n  route: {host: web.prod.localhost}"));

        AssertError(error, 18, 17, "spec.route", "duplicate route web.prod.localhost/: also used by web/prod (spec.route, by default) at line 6");
    }

    [Fact]
    public void Same_host_with_another_prefix_is_fine()
    {
        var result = Parse(App("web", "prod", "\n  route: {host: shop.localhost, pathPrefix: /}") + "\n---\n" + App("api", "prod", "\n  route: {host: shop.localhost, pathPrefix: /api}"));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Preview_routes_collide_with_main_routes_across_documents()
    {
        var error = SingleError(
            App("web", "prod", "\n  strategy: {blueGreen: {previewRoute: {host: next.localhost, pathPrefix: /}}}")
            + "\n---\n"
            + App("next", "prod", "\n  route: {host: next.localhost}"));

        AssertError(error, 19, 17, "spec.route", "duplicate route next.localhost/: also used by web/prod (spec.strategy.blueGreen.previewRoute) at line 9");
    }

    [Fact]
    public void Preview_route_may_not_be_the_main_route_of_the_same_document()
    {
        var error = SingleError(App("web", "prod", "\n  strategy: {blueGreen: {previewRoute: {host: web.prod.localhost}}}"));

        AssertError(error, 9, 47, "spec.strategy.blueGreen.previewRoute", "duplicate route web.prod.localhost/: also used by web/prod (spec.route, by default)");
    }

    [Fact]
    public void Route_collisions_are_found_even_when_a_document_has_other_errors()
    {
        var errors = Errors(App("web", "prod", "\n  replicas: many") + "\n---\n" + App("shop", "prod", "\n  route: {host: web.prod.localhost}"));

        Assert.Collection(
            errors,
            e => AssertError(e, 9, 13, "spec.replicas", "expected an integer"),
            e => AssertError(e, 19, 17, "spec.route", "duplicate route web.prod.localhost/"));
    }

    [Fact]
    public void Syntax_error_in_a_later_document_keeps_the_errors_of_the_earlier_ones()
    {
        var errors = Errors(App("web", "prod", "\n  replicas: many") + "\n---\n" + App("api", "prod", "\n  args: [\"unclosed]"));

        Assert.Collection(
            errors,
            e => AssertError(e, 9, 13, "spec.replicas", "expected an integer"),
            e => AssertError(e, 19, 10, "(file)", "YAML syntax error"));
    }
}
