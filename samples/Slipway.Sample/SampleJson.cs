using System.Text.Json;
using System.Text.Json.Serialization;

namespace Slipway.Sample;

internal sealed record SampleResponse(string Version, string Instance, string Host);

/// <summary>Source-generated: no reflection at startup, which keeps the sample quick to start.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SampleResponse))]
[JsonSerializable(typeof(SampleStatsSnapshot))]
internal sealed partial class SampleJson : JsonSerializerContext;
