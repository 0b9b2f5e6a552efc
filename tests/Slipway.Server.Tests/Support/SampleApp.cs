using System.Reflection;

namespace Slipway.Server.Tests.Support;

/// <summary>Where the built sample service is (see the AssemblyMetadata item of the test project): the artifact of apps whose instances must really run.</summary>
internal static class SampleApp
{
    public static string AssemblyPath { get; } = Locate();

    public static string Directory => Path.GetDirectoryName(AssemblyPath)!;

    private static string Locate()
    {
        var path = typeof(SampleApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "SampleAssembly").Value!;
        path = Path.GetFullPath(path);
        return File.Exists(path) ? path : throw new FileNotFoundException("the sample service is not built", path);
    }
}
