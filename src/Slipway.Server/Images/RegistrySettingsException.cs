namespace Slipway.Server.Images;

/// <summary>The registry settings cannot be used: a CA file that does not read. Nothing was started.</summary>
public sealed class RegistrySettingsException(string message, Exception? inner = null) : Exception(message, inner);
