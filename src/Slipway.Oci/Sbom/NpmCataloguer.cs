using System.Text.Json;

namespace Slipway.Oci.Sbom;

/// <summary>
/// npm packages, from two places: a <c>package-lock.json</c> (v1's nested <c>dependencies</c>; v2's and v3's
/// <c>packages</c> keyed by install path, which v2 also mirrors in <c>dependencies</c> — <c>packages</c> wins), and
/// each installed package's own <c>node_modules/[@scope/]NAME/package.json</c>, which is what actually ships.
/// Lock entries marked <c>dev</c> are left out (a production image installs with <c>--omit=dev</c>; when dev packages
/// are installed, their node_modules folders list them), as are links and lock files inside node_modules. A scoped
/// package is <c>pkg:npm/%40scope/NAME@VERSION</c>.
/// </summary>
internal sealed class NpmCataloguer : ICataloguer
{
    private const string LockFile = "package-lock.json";
    private const string NodeModules = "node_modules/";

    public bool Wants(string path) => IsLockFile(path) || IsInstalledManifest(path);

    public void Catalogue(CollectedFiles files, CatalogueBuilder into)
    {
        foreach (var path in files.Paths.Where(Wants))
        {
            files.TryGet(path, out var content);
            try
            {
                using var document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true });
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    into.Note($"/{path} is not a JSON object: skipped");
                }
                else if (IsLockFile(path))
                {
                    ReadLock(root, path, into);
                }
                else if (String(root, "name") is { } name && String(root, "version") is { } version)
                {
                    Add(name, version, path, into);
                }
            }
            catch (JsonException e)
            {
                into.Note($"/{path} is not valid JSON ({e.Message}): skipped");
            }
        }
    }

    /// <summary>The purl of an npm package; a scope ("@types/node") is the purl's namespace.</summary>
    public static PackageUrl Purl(string name, string version)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return name.StartsWith('@') && slash > 0
            ? new PackageUrl("npm", name[..slash], name[(slash + 1)..], version)
            : new PackageUrl("npm", null, name, version);
    }

    private static void ReadLock(JsonElement root, string path, CatalogueBuilder into)
    {
        if (root.TryGetProperty("packages", out var packages) && packages.ValueKind == JsonValueKind.Object)
        {
            foreach (var package in packages.EnumerateObject())
            {
                var at = package.Name.LastIndexOf(NodeModules, StringComparison.Ordinal);
                if (at < 0 || package.Value.ValueKind != JsonValueKind.Object || Flag(package.Value, "link") || Flag(package.Value, "dev"))
                {
                    continue; // "" is the project itself; a path outside node_modules is a workspace
                }

                var name = String(package.Value, "name") ?? package.Name[(at + NodeModules.Length)..];
                if (String(package.Value, "version") is { } version)
                {
                    Add(name, version, path, into);
                }
            }

            return;
        }

        if (root.TryGetProperty("dependencies", out var dependencies))
        {
            ReadDependencies(dependencies, path, into);
        }
    }

    /// <summary>Lock file v1: <c>dependencies</c> by name, each with its own nested <c>dependencies</c>.</summary>
    private static void ReadDependencies(JsonElement dependencies, string path, CatalogueBuilder into)
    {
        if (dependencies.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var dependency in dependencies.EnumerateObject())
        {
            if (dependency.Value.ValueKind != JsonValueKind.Object || Flag(dependency.Value, "dev"))
            {
                continue;
            }

            if (String(dependency.Value, "version") is { } version)
            {
                Add(dependency.Name, version, path, into);
            }

            if (dependency.Value.TryGetProperty("dependencies", out var nested))
            {
                ReadDependencies(nested, path, into);
            }
        }
    }

    private static void Add(string name, string version, string path, CatalogueBuilder into)
    {
        // A linked or local package ("file:../lib") is the team's own code, not a registry package.
        if (name.Length > 0 && version.Length > 0 && !version.StartsWith("file:", StringComparison.Ordinal) && !version.StartsWith("link:", StringComparison.Ordinal))
        {
            into.Add(name, version, Purl(name, version), path);
        }
    }

    private static bool IsLockFile(string path) =>
        (path == LockFile || path.EndsWith("/" + LockFile, StringComparison.Ordinal)) && !path.Contains(NodeModules, StringComparison.Ordinal);

    /// <summary><c>…node_modules/NAME/package.json</c> or <c>…node_modules/@SCOPE/NAME/package.json</c>, not a
    /// package.json deeper in a package (test fixtures, sub-builds).</summary>
    private static bool IsInstalledManifest(string path)
    {
        if (!path.EndsWith("/package.json", StringComparison.Ordinal))
        {
            return false;
        }

        var at = path.LastIndexOf(NodeModules, StringComparison.Ordinal);
        if (at < 0 || (at > 0 && path[at - 1] != '/'))
        {
            return false;
        }

        var parts = path[(at + NodeModules.Length)..].Split('/');
        return (parts.Length == 2 && !parts[0].StartsWith('.') && !parts[0].StartsWith('@'))
            || (parts.Length == 3 && parts[0].StartsWith('@'));
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Flag(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;
}
