using System.Text.Json;

namespace Slipway.Router;

/// <summary>
/// The on-disk format of <see cref="RouterConfig"/>, shared by the controller (writer) and the router (reader):
/// JSON with web defaults (camelCase). Writes are atomic — temporary file in the same directory, fsync, rename —
/// so the router never reads half a table.
/// </summary>
public static class RouterConfigFile
{
    /// <summary>Serializer options of the format; read-only, safe to share.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    /// <summary>Writes <paramref name="config"/> to <paramref name="path"/> atomically, creating the directory if needed.</summary>
    public static void Write(string path, RouterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        WriteAtomically(path, stream => JsonSerializer.Serialize(stream, config, SerializerOptions));
    }

    /// <summary>
    /// Writes a table whose routes are already serialized (<paramref name="routesJson"/>: route objects separated by
    /// commas, as <see cref="SerializerOptions"/> writes them), atomically: the controller keeps each app's routes
    /// serialized and changes only the pieces that changed.
    /// </summary>
    public static void WriteRaw(string path, long version, string routesJson)
    {
        ArgumentNullException.ThrowIfNull(routesJson);
        WriteAtomically(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.Write("{\"version\":");
            writer.Write(version.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.Write(",\"routes\":[");
            writer.Write(routesJson);
            writer.Write("]}");
        });
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);

        // Same directory as the target so the rename stays on one file system and is atomic.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                // Durable before it becomes visible: a crash after the rename must not leave an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Reads and checks a table written by <see cref="Write"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid router table.</exception>
    public static RouterConfig Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        return Parse(bytes);
    }

    /// <summary>Parses the JSON of a table; the checks are the ones <see cref="Read"/> applies.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid router table.</exception>
    public static RouterConfig Parse(ReadOnlySpan<byte> json)
    {
        RouterConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<RouterConfig>(json, SerializerOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"router table is not valid JSON: {e.Message}", e);
        }

        if (config is null)
        {
            throw new InvalidDataException("router table is null");
        }

        Validate(config);
        return config;
    }

    // System.Text.Json happily puts null into non-nullable members when a field is missing or null;
    // catching that here keeps null checks out of the compiler and the hot path.
    private static void Validate(RouterConfig config)
    {
        if (config.Routes is null)
        {
            throw new InvalidDataException("routes: required");
        }

        for (var i = 0; i < config.Routes.Count; i++)
        {
            var route = config.Routes[i];
            var at = $"routes[{i}]";
            if (route is null)
            {
                throw new InvalidDataException($"{at}: null");
            }

            Require(route.Id, $"{at}.id");
            Require(route.App, $"{at}.app");
            Require(route.Environment, $"{at}.environment");
            if (route.PathPrefix is null)
            {
                throw new InvalidDataException($"{at}.pathPrefix: required");
            }

            if (route.Backends is null)
            {
                throw new InvalidDataException($"{at}.backends: required");
            }

            for (var j = 0; j < route.Backends.Count; j++)
            {
                var group = route.Backends[j];
                var groupAt = $"{at}.backends[{j}]";
                if (group is null)
                {
                    throw new InvalidDataException($"{groupAt}: null");
                }

                Require(group.Revision, $"{groupAt}.revision");
                if (group.Weight < 0)
                {
                    throw new InvalidDataException($"{groupAt}.weight: must be >= 0, got {group.Weight}");
                }

                if (group.Endpoints is null)
                {
                    throw new InvalidDataException($"{groupAt}.endpoints: required");
                }
            }

            if (route.HeaderRoute is { } headerRoute)
            {
                Require(headerRoute.Revision, $"{at}.headerRoute.revision");
                if (headerRoute.Matches is null || headerRoute.Matches.Count == 0)
                {
                    throw new InvalidDataException($"{at}.headerRoute.matches: at least one match is required");
                }

                for (var k = 0; k < headerRoute.Matches.Count; k++)
                {
                    var match = headerRoute.Matches[k];
                    var matchAt = $"{at}.headerRoute.matches[{k}]";
                    if (match is null)
                    {
                        throw new InvalidDataException($"{matchAt}: null");
                    }

                    Require(match.Header, $"{matchAt}.header");
                    var set = (match.Exact is null ? 0 : 1) + (match.Prefix is null ? 0 : 1) + (match.Regex is null ? 0 : 1);
                    if (set != 1)
                    {
                        throw new InvalidDataException($"{matchAt}: exactly one of exact, prefix, regex must be set");
                    }
                }
            }

            if (route.Mirror is { } mirror)
            {
                Require(mirror.Revision, $"{at}.mirror.revision");
                if (mirror.Percent is < 0 or > 100)
                {
                    throw new InvalidDataException($"{at}.mirror.percent: must be within 0..100, got {mirror.Percent}");
                }
            }
        }
    }

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidDataException($"{field}: required");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        // Not indented: a thousand apps' table is read on every change, and its size is what reading costs (jq shows it).
        // Source-generated metadata: no reflection on the router's reload path (other types, for callers, by reflection).
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(RouterConfigJson.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Source-generated serialization metadata of the table file's types.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(RouterConfig))]
internal sealed partial class RouterConfigJson : System.Text.Json.Serialization.JsonSerializerContext;
