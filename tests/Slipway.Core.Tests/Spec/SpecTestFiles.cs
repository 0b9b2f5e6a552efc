using Slipway.Core.Spec;

namespace Slipway.Core.Tests.Spec;

/// <summary>Shared helpers: parse a spec as if it were <c>/repo/apps/web.yaml</c>.</summary>
internal static class SpecTestFiles
{
    public const string FileName = "apps/web.yaml";

    public static readonly string BaseDirectory = OperatingSystem.IsWindows() ? @"C:\repo\apps" : "/repo/apps";

    public static SpecParseResult Parse(string yaml) => SpecParser.Parse(yaml, FileName, BaseDirectory);

    public static ApplicationManifest ParseOne(string yaml)
    {
        var result = Parse(yaml);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
        return Assert.Single(result.Manifests);
    }

    /// <summary>Parses a spec that must be invalid, and returns its errors.</summary>
    public static IReadOnlyList<SpecError> Errors(string yaml)
    {
        var result = Parse(yaml);
        Assert.False(result.IsValid, "expected errors, got a valid spec");
        Assert.Empty(result.Manifests);
        return result.Errors;
    }

    /// <summary>Asserts there is exactly one error, and returns it.</summary>
    public static SpecError SingleError(string yaml)
    {
        var errors = Errors(yaml);
        Assert.True(errors.Count == 1, "expected one error, got:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        return errors[0];
    }

    /// <summary>A minimal valid document, for tests that vary one part of it.</summary>
    public const string Minimal = """
        apiVersion: slipway.dev/v1alpha1
        kind: Application
        metadata:
          name: web
        spec:
          artifact:
            path: out
          command: dotnet
        """;
}
