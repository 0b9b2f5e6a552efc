using Slipway.Core.Spec;
using Slipway.Core.Spec.Parsing;
using static Slipway.Core.Tests.Spec.SpecTestFiles;

namespace Slipway.Core.Tests.Spec;

/// <summary>A parsed document remembers where each field was written, so that later checks point at the line at fault.</summary>
public sealed class SpecSourceTests
{
    private const string Yaml = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          command: dotnet
          env:
            - {name: A, value: "1"}
          artifact:
            path: ../out
          route:
            host: shop.dev.localhost
        """;

    [Fact]
    public void The_artifact_path_is_found_at_its_value()
    {
        var source = ParseOne(Yaml).Source!;

        Assert.Equal(new SpecPosition(10, 11), source.PositionOf("spec.artifact.path"));
        Assert.Equal("apps/web.yaml:10:11: spec.artifact.path: no such directory", source.ErrorAt("spec.artifact.path", "no such directory").ToString());
    }

    [Fact]
    public void Fields_of_mappings_and_list_items_are_found()
    {
        var source = ParseOne(Yaml).Source!;

        Assert.Equal(new SpecPosition(12, 5), source.PositionOf("spec.route"));
        Assert.Equal(new SpecPosition(12, 11), source.PositionOf("spec.route.host"));
        Assert.Equal(8, source.PositionOf("spec.env[0].name").Line);
    }

    [Fact]
    public void A_field_left_to_its_default_points_at_its_nearest_written_ancestor()
    {
        var source = ParseOne(Yaml).Source!;

        Assert.Equal(new SpecPosition(5, 1), source.PositionOf("spec.strategy.blueGreen.previewRoute"));
        Assert.Equal(new SpecPosition(11, 3), source.PositionOf("spec.route.pathPrefix"));
    }

    [Fact]
    public void Each_document_of_a_file_has_its_own_positions()
    {
        var result = Parse(Yaml + "\n---\n" + Yaml.Replace("name: web", "name: api", StringComparison.Ordinal).Replace("shop.", "api.", StringComparison.Ordinal));

        Assert.Equal([10, 23], result.Manifests.Select(m => m.Source!.PositionOf("spec.artifact.path").Line));
    }
}
