namespace Slipway.EndToEnd.Tests.Harness;

/// <summary>Where the built slipway binary and sample service are, next to this test build.</summary>
internal static class Paths
{
    public static string Repository { get; } = FindRepository();

    /// <summary>Debug or Release, as this test assembly was built.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string SlipwayDll => Path.Combine(Repository, "src", "Slipway.Cli", "bin", Configuration, "net10.0", "slipway.dll");

    public static string SampleDirectory => Path.Combine(Repository, "samples", "Slipway.Sample", "bin", Configuration, "net10.0");

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Slipway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Slipway.sln not found above " + AppContext.BaseDirectory);
    }
}
