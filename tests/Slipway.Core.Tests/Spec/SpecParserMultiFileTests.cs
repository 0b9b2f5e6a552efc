using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Spec;

/// <summary>Several files parsed as one unit: every error of every file in its own file, and no app×env or route twice across them.</summary>
public sealed class SpecParserMultiFileTests
{
    private const string BaseDirectory = "/repo";

    private static string App(string name, string? environment = null, string extra = "") => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: {name}{(environment is null ? "" : $"\n  environment: {environment}")}
        spec:
          artifact: {"{path: out}"}
          command: dotnet{extra}
        """;

    private static SpecParseResult Parse(string? environment, params (string Name, string Yaml)[] files) =>
        SpecParser.Parse([.. files.Select(f => new SpecFileContent(f.Name, f.Yaml, BaseDirectory))], environment);

    [Fact]
    public void Manifests_come_in_file_order_and_each_knows_its_file()
    {
        var result = Parse(null, ("b.yaml", App("web") + "\n---\n" + App("web", "prod")), ("a.yaml", App("api")));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["web/dev@b.yaml", "web/prod@b.yaml", "api/dev@a.yaml"], result.Manifests.Select(m => $"{m.Metadata.Name}/{m.Metadata.Environment}@{m.Source?.FileName}"));
    }

    [Fact]
    public void Every_error_of_every_file_is_reported_in_file_order_and_no_manifest_is_returned()
    {
        var result = Parse(null, ("web.yaml", App("web", extra: "\n  replicas: -1")), ("ok.yaml", App("ok")), ("api.yaml", App("api", extra: "\n  port: http")));

        Assert.Empty(result.Manifests);
        Assert.Equal(["web.yaml:8:13: spec.replicas", "api.yaml:8:9: spec.port"], result.Errors.Select(e => $"{e.File}:{e.Line}:{e.Column}: {e.Path}"));
    }

    [Fact]
    public void The_same_app_and_environment_in_another_file_names_the_first_file_and_line()
    {
        var result = Parse(null, ("web.yaml", App("web")), ("copy.yaml", App("web")));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("copy.yaml", 4, "metadata.name"), (error.File, error.Line, error.Path));
        Assert.Equal("duplicate application web/dev: also defined at web.yaml:4", error.Message);
    }

    [Fact]
    public void A_route_claimed_in_another_file_names_its_owner_file_and_line()
    {
        var result = Parse(null, ("web.yaml", App("web", "prod")), ("shop.yaml", App("shop", "prod", "\n  route: {host: web.prod.localhost}")));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("shop.yaml", "spec.route"), (error.File, error.Path));
        Assert.Equal("duplicate route web.prod.localhost/: also used by web/prod (spec.route, by default) at web.yaml:6", error.Message);
    }

    [Fact]
    public void The_requested_environment_applies_to_every_file()
    {
        var selected = Parse("prod", ("web.yaml", App("web")), ("api.yaml", App("api")));
        var refused = Parse("prod", ("web.yaml", App("web")), ("api.yaml", App("api", "dev")));

        Assert.Equal(["prod", "prod"], selected.Manifests.Select(m => m.Metadata.Environment));
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("api.yaml", "metadata.environment"), (error.File, error.Path));
        Assert.StartsWith("is 'dev', but environment 'prod' was requested (-e)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_among_others_is_an_error_in_that_file()
    {
        var result = Parse(null, ("web.yaml", App("web")), ("empty.yaml", "# nothing yet\n"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("empty.yaml", error.File);
        Assert.StartsWith("no documents", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_of_templates_beside_a_file_of_applications_is_one_unit()
    {
        var result = Parse(null, ("templates.yaml", Template("error-rate") + "\n---\n" + Template("smoke")), ("web.yaml", App("web")));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["error-rate@templates.yaml", "smoke@templates.yaml"], result.Templates.Select(t => $"{t.Name}@{t.Source?.FileName}"));
        Assert.Equal("web", Assert.Single(result.Manifests).Metadata.Name);
    }

    [Fact]
    public void The_same_template_in_another_file_names_the_first_file_and_line()
    {
        var result = Parse(null, ("a.yaml", Template("smoke")), ("b.yaml", App("web") + "\n---\n" + Template("smoke")));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("b.yaml", 11, "metadata.name"), (error.File, error.Line, error.Path));
        Assert.Equal("duplicate analysis template 'smoke': also defined at a.yaml:3", error.Message);
    }

    [Fact]
    public void A_template_with_an_error_applies_nothing_of_any_file()
    {
        var result = Parse(null, ("web.yaml", App("web")), ("smoke.yaml", Template("smoke").Replace("command: ./smoke.sh", "command: ''", StringComparison.Ordinal)));

        Assert.Empty(result.Manifests);
        Assert.Empty(result.Templates);
        Assert.Equal("smoke.yaml:5:53: spec.metrics[0].provider.job.command: must not be empty", Assert.Single(result.Errors).ToString());
    }

    private static string Template(string name) => $"""
        apiVersion: slipway.dev/v1alpha1
        kind: AnalysisTemplate
        metadata: {"{"}name: {name}{"}"}
        spec:
          metrics: [{"{name: smoke, provider: {job: {command: ./smoke.sh}}}"}]
        """;
}
