using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Docker.Engine;

/// <summary>
/// The Engine API's JSON: PascalCase fields (read case-insensitively, since the progress stream's are lowercase), nulls
/// left out of requests so the engine applies its own defaults.
/// </summary>
internal static class EngineJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
