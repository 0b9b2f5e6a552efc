namespace Slipway.Server.Api;

/// <summary>
/// The API cannot be served as configured: a listen address, a TLS file or the token file is wrong.
/// Raised before anything starts, with every problem in the message, one per line.
/// </summary>
public sealed class ApiConfigurationException(string message) : Exception(message);
