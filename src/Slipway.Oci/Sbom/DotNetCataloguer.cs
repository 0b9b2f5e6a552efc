using System.Text.Json;

namespace Slipway.Oci.Sbom;

/// <summary>
/// NuGet packages of .NET applications, from the <c>*.deps.json</c> the SDK writes beside every app: its
/// <c>libraries</c> map "NAME/VERSION" to a type, and those of type <c>package</c> came from NuGet (type
/// <c>project</c> is the app and its project references; <c>reference</c> is a plain assembly). Each becomes
/// <c>pkg:nuget/NAME@VERSION</c>.
/// </summary>
internal sealed class DotNetCataloguer : ICataloguer
{
    public bool Wants(string path) => path.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase);

    public void Catalogue(CollectedFiles files, CatalogueBuilder into)
    {
        foreach (var path in files.Paths.Where(Wants))
        {
            files.TryGet(path, out var content);
            try
            {
                using var document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                if (!document.RootElement.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var library in libraries.EnumerateObject())
                {
                    var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                    if (slash <= 0 || library.Value.ValueKind != JsonValueKind.Object
                        || !library.Value.TryGetProperty("type", out var type) || type.GetString() != "package")
                    {
                        continue;
                    }

                    var name = library.Name[..slash];
                    var version = library.Name[(slash + 1)..];
                    into.Add(name, version, new PackageUrl("nuget", null, name, version), path);
                }
            }
            catch (JsonException e)
            {
                into.Note($"/{path} is not valid JSON ({e.Message}): skipped");
            }
        }
    }
}
