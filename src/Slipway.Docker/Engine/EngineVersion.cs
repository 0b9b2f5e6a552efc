namespace Slipway.Docker.Engine;

/// <summary>What GET /version says: the engine's release and the newest API version it speaks.</summary>
public sealed record EngineVersion(string Version, string ApiVersion, string? Os, string? Arch);
