using Slipway.Core.Spec;

namespace Slipway.Cli.Tests.Output;

/// <summary>Specs for rendering tests, built as the parser would build them, with the env and required names given.</summary>
internal static class ApplicationSpecs
{
    public static ApplicationSpec With(IReadOnlyList<string> required, IReadOnlyList<EnvVar> env)
    {
        var result = SpecParser.Parse("apiVersion: slipway.dev/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec: {artifact: {path: out}, command: dotnet}\n", "web.yaml", "/repo");
        var spec = Assert.Single(result.Manifests).Spec;
        return spec with { RequiredEnv = required, Template = spec.Template with { Env = env } };
    }
}
