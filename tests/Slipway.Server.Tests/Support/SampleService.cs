namespace Slipway.Server.Tests.Support;

/// <summary>The sample service's build (samples/Slipway.Sample), built with the tests: an artifact a server runs for real.</summary>
internal static class SampleService
{
    /// <summary>The directory of Slipway.Sample.dll, as this test assembly's configuration built it.</summary>
    public static string Directory { get; } = Find();

    private static string Find()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Slipway.sln")))
            {
                return Path.Combine(dir.FullName, "samples", "Slipway.Sample", "bin", configuration, "net10.0");
            }
        }

        throw new InvalidOperationException("Slipway.sln not found above " + AppContext.BaseDirectory);
    }
}
