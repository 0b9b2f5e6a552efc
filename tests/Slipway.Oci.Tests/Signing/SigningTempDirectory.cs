namespace Slipway.Oci.Tests.Signing;

/// <summary>A directory under the system temp folder for files an external tool reads; deleted on dispose.</summary>
internal sealed class SigningTempDirectory : IDisposable
{
    public SigningTempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("slipway-signing-").FullName;
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] content)
    {
        var path = Combine(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Write(string name, string content)
    {
        var path = Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
